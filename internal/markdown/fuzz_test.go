package markdown

import (
	"math/rand/v2"
	"strings"
	"testing"

	"octavo/internal/blog"
)

// FuzzRender checks what must hold for any body: Render neither panics nor
// fails, the excerpt and the table of contents are well-formed, and a body
// split by <!--more--> has "Read more" exactly when something follows the
// marker. `go test` runs the seeds and testdata/fuzz; run
// `go test -fuzz=FuzzRender -fuzztime=60s ./internal/markdown/` to search.
func FuzzRender(f *testing.F) {
	seeds := []struct {
		body    string
		html    bool
		excerpt string
	}{
		{"Intro.\n\n<!--more-->\n\nRest.\n", false, ""},
		{"<div>\n\n<details><summary>x</summary>\n\n*a*\n\n<!--more-->\n\n</details>\n", false, ""},
		{"<table><tr><td>\n\nCell\n\n<!--more-->\n", false, ""},
		{"- a\n  <!--more-->\n- b\n", false, ""},
		{"> q\n> <!--more-->\n", false, ""},
		{"```\n<!--more-->\n```\n", false, "explicit *excerpt*[^1]\n\n[^1]: n"},
		{"<!-- <!--more--> -->\nx\n", false, ""},
		{"<plaintext>\n\n<!--more-->\nafter\n", false, ""},
		{"<svg><style><p>\n\n<!--more-->\n", false, ""},
		{"<script><!--<script></script>--></script>\n\n<!--more-->\n", false, ""},
		{"## A &amp; \\*\n\n### B\n\n#### C\n\ntext[^x]\n\n[^x]: y\n", false, ""},
		{"*" + words(80) + "*\n", false, ""},
		{"<p>One</p><!-- more --><p>Two</p>", true, ""},
		{"<p>One<textarea><!--more--></textarea></p>", true, ""},
		{"<!--octavo:more-->\n\n<!--more-->\n\nx\n", false, ""},
		{"a <!--more--> b\n", false, ""},
		{"", false, ""},
		// Found by TestTagSoup: foreign content, raw text elements, scripts.
		{"<svg><title><svg><title></pre></a><textarea><body></div>", false, ""},
		{"<svg><mi><plaintext><select><template>", false, ""},
		{"<svg><math>word <desc><noembed></script>[^1]: n\n<math><mtext><noframes>", false, ""},
		{"<math><annotation-xml encoding=text/html>[^1]<noembed>## <a href=x><select>\n\n</math>", false, ""},
		{"<script><!--<template><details></pre><object><body>\n<em><em><script><!DOCTYPE html>word <form><!--more--><svg><title>", false, ""},
		{"<math><desc><template><noscript>word <svg><title><caption><svg><title><foreignObject><noscript><button>#", true, ""},
	}
	for _, s := range seeds {
		f.Add(s.body, s.html, s.excerpt)
	}
	r := New()
	f.Fuzz(func(t *testing.T, body string, isHTML bool, excerpt string) {
		format := blog.FormatMarkdown
		if isHTML {
			format = blog.FormatHTML
		}
		out, rest, err := r.render(body, format, excerpt, nil)
		if err != nil {
			t.Fatalf("Render: %v", err)
		}
		if err := wellFormed(out.ExcerptHTML); err != nil {
			t.Fatalf("excerpt not well-formed: %v\n%q", err, out.ExcerptHTML)
		}
		if err := wellFormed(out.TOCHTML); err != nil {
			t.Fatalf("TOC not well-formed: %v\n%q", err, out.TOCHTML)
		}
		if !strings.Contains(body, moreSentinel) && strings.Contains(out.HTML, moreSentinel) {
			t.Fatalf("HTML keeps the sentinel:\n%q", out.HTML)
		}
		if rest != nil {
			blank := strings.TrimSpace(PlainText(*rest)) == ""
			if !out.HasMore && !blank {
				t.Fatalf("HasMore = false, but text follows the marker: %q", *rest)
			}
			if out.HasMore && blank && !strings.Contains(*rest, "<") {
				t.Fatalf("HasMore = true, but nothing follows the marker: %q", *rest)
			}
		}
	})
}

// TestTagSoup renders bodies pieced together at random (with a fixed seed)
// from the constructs that trouble an HTML parser, and checks the
// invariants of FuzzRender on each, in both formats.
func TestTagSoup(t *testing.T) {
	pieces := []string{
		"<div>", "</div>", "<p>", "</p>", "<table>", "<tr>", "<td>", "</td>", "<caption>", "<col>",
		"<svg>", "</svg>", "<math>", "</math>", "<mi>", "<mtext>", "<desc>", "<title>", "<foreignObject>",
		"<annotation-xml encoding=text/html>", "<annotation-xml>", "<malignmark>",
		"<style>", "</style>", "<script>", "</script>", "<!--<script>", "<plaintext>", "<xmp>",
		"<noscript>", "<noembed>", "<noframes>", "<iframe>", "<textarea>", "<template>", "</template>",
		"<select>", "<option>", "<form>", "<button>", "<details>", "<summary>", "<ul>", "<li>",
		"<a href=x>", "</a>", "<em>", "<b>", "</b>", "<font color=red>", "<br>", "<img src=x>", "<pre>", "</pre>",
		"<body>", "<html>", "<frameset>", "<!DOCTYPE html>", "<![CDATA[x]]>", "<?php ?>", "&amp;", "&", "<",
		"<!--", "-->", "<!--more-->", "<!-- more -->", "\n", "\n\n", "text ", "word ",
		"> ", "- ", "1. ", "```", "    ", "# ", "## ", "[^1]", "[^1]: n\n", "*", "_", "`",
	}
	rng := rand.New(rand.NewPCG(1, 2))
	r := New()
	for range 1500 {
		var b strings.Builder
		for range rng.IntN(20) {
			b.WriteString(pieces[rng.IntN(len(pieces))])
		}
		body := b.String()
		for _, format := range []blog.Format{blog.FormatMarkdown, blog.FormatHTML} {
			out, rest, err := r.render(body, format, "", nil)
			if err != nil {
				t.Fatalf("%q (%s): %v", body, format, err)
			}
			if err := wellFormed(out.ExcerptHTML); err != nil {
				t.Fatalf("%q (%s): excerpt not well-formed: %v\n%q", body, format, err, out.ExcerptHTML)
			}
			if rest != nil && !out.HasMore && strings.TrimSpace(PlainText(*rest)) != "" {
				t.Fatalf("%q (%s): HasMore = false, but text follows the marker: %q", body, format, *rest)
			}
		}
	}
}
