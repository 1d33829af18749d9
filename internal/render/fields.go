package render

import (
	"html/template"
	"slices"
	"text/template/parse"
)

// namesField reports whether a template of tpl's set names one of fields:
// .Field, $x.Field or (…).Field. A template reaches a struct's field only
// by naming it (index and call work on maps, slices and funcs), so a set
// that never names PostView.ContentHTML never shows a post's whole HTML,
// and its list pages can be given excerpts only. A node of a kind it does
// not know counts as naming them.
func namesField(tpl *template.Template, fields ...string) bool {
	for _, t := range tpl.Templates() {
		if t.Tree != nil && nodeNames(t.Tree.Root, fields) {
			return true
		}
	}
	return false
}

func nodeNames(n parse.Node, fields []string) bool {
	has := func(idents []string) bool {
		return slices.ContainsFunc(idents, func(s string) bool { return slices.Contains(fields, s) })
	}
	switch n := n.(type) {
	case nil:
		return false
	case *parse.ListNode:
		if n == nil {
			return false
		}
		return slices.ContainsFunc(n.Nodes, func(c parse.Node) bool { return nodeNames(c, fields) })
	case *parse.ActionNode:
		return nodeNames(n.Pipe, fields)
	case *parse.IfNode:
		return branchNames(&n.BranchNode, fields)
	case *parse.RangeNode:
		return branchNames(&n.BranchNode, fields)
	case *parse.WithNode:
		return branchNames(&n.BranchNode, fields)
	case *parse.TemplateNode:
		return nodeNames(n.Pipe, fields)
	case *parse.PipeNode:
		if n == nil {
			return false
		}
		return slices.ContainsFunc(n.Cmds, func(c *parse.CommandNode) bool { return nodeNames(c, fields) })
	case *parse.CommandNode:
		return slices.ContainsFunc(n.Args, func(c parse.Node) bool { return nodeNames(c, fields) })
	case *parse.FieldNode:
		return has(n.Ident)
	case *parse.VariableNode:
		return has(n.Ident)
	case *parse.ChainNode:
		return has(n.Field) || nodeNames(n.Node, fields)
	case *parse.TextNode, *parse.CommentNode, *parse.DotNode, *parse.NilNode, *parse.BoolNode,
		*parse.NumberNode, *parse.StringNode, *parse.IdentifierNode, *parse.BreakNode, *parse.ContinueNode:
		return false
	}
	return true
}

func branchNames(b *parse.BranchNode, fields []string) bool {
	return nodeNames(b.Pipe, fields) || nodeNames(b.List, fields) || nodeNames(b.ElseList, fields)
}
