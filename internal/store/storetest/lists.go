package storetest

import (
	"context"
	"maps"
	"strings"
	"testing"
	"time"

	"octavo/internal/blog"
	"octavo/internal/content"
)

// testAdminLists: the admin's lists of posts of any status, filtered,
// searched by title, paged and counted, and the recent changes.
func testAdminLists(t *testing.T, s Store, svc *content.Service, clock *blog.FixedClock) {
	ctx := context.Background()
	ada := &blog.User{Username: "ada", DisplayName: "Ada L", Role: blog.RoleAuthor, CreatedAt: t0}
	bob := &blog.User{Username: "bob", DisplayName: "Bob K", Role: blog.RoleContributor, CreatedAt: t0}
	for _, u := range []*blog.User{ada, bob} {
		if err := s.CreateUser(ctx, u); err != nil {
			t.Fatal(err)
		}
	}
	// Each save a minute after the last: the order of change is the order
	// of writing.
	write := func(p *blog.Post) *blog.Post {
		clock.T = clock.T.Add(time.Minute)
		return save(t, svc, p)
	}
	live := write(&blog.Post{Title: "Live Go notes", Body: "x", Status: blog.StatusPublished, AuthorID: ada.ID, Tags: []blog.Tag{{Name: "Go"}}})
	draft := write(&blog.Post{Title: "A draft about GO generics", Body: "x", AuthorID: bob.ID, Tags: []blog.Tag{{Name: "Go"}, {Name: "Types"}}})
	write(&blog.Post{Title: "Waiting 100% for review", Body: "x", Status: blog.StatusPending, AuthorID: bob.ID})
	write(&blog.Post{Title: "Tomorrow's_news", Body: "x", Status: blog.StatusScheduled, PublishedAt: t0.Add(48 * time.Hour), AuthorID: ada.ID})
	trashed := write(&blog.Post{Title: "Gone go", Body: "x", AuthorID: ada.ID})
	if _, err := svc.Trash(ctx, trashed.ID); err != nil {
		t.Fatal(err)
	}
	page := write(&blog.Post{Kind: blog.KindPage, Title: "About go", Body: "x", Status: blog.StatusPublished, AuthorID: ada.ID})
	// Editing the live post makes it the most recently changed post.
	live.Body = "edited"
	write(live)

	for _, tt := range []struct {
		name  string
		q     blog.AdminQuery
		want  string
		total int
	}{
		{"every post but the trash, newest change first", blog.AdminQuery{}, "Live Go notes,Tomorrow's_news,Waiting 100% for review,A draft about GO generics", 4},
		{"the trash", blog.AdminQuery{Status: blog.StatusTrashed}, "Gone go", 1},
		{"drafts", blog.AdminQuery{Status: blog.StatusDraft}, "A draft about GO generics", 1},
		{"scheduled", blog.AdminQuery{Status: blog.StatusScheduled}, "Tomorrow's_news", 1},
		{"pages", blog.AdminQuery{Kind: blog.KindPage}, "About go", 1},
		{"by tag", blog.AdminQuery{TagSlug: "go"}, "Live Go notes,A draft about GO generics", 2},
		{"by tag, no such tag", blog.AdminQuery{TagSlug: "nope"}, "", 0},
		{"by author", blog.AdminQuery{AuthorID: bob.ID}, "Waiting 100% for review,A draft about GO generics", 2},
		{"by author and status", blog.AdminQuery{AuthorID: bob.ID, Status: blog.StatusPending}, "Waiting 100% for review", 1},
		{"title, any case", blog.AdminQuery{Title: "go"}, "Live Go notes,A draft about GO generics", 2},
		{"title with a % is no wildcard", blog.AdminQuery{Title: "100%"}, "Waiting 100% for review", 1},
		{"title with a _ is no wildcard", blog.AdminQuery{Title: "s_n"}, "Tomorrow's_news", 1},
		{"title that matches nothing", blog.AdminQuery{Title: "x%y"}, "", 0},
		{"paged", blog.AdminQuery{Offset: 1, Limit: 2}, "Tomorrow's_news,Waiting 100% for review", 4},
		{"past the end", blog.AdminQuery{Offset: 10, Limit: 2}, "", 4},
	} {
		t.Run(tt.name, func(t *testing.T) {
			posts, total, err := s.AdminPosts(ctx, tt.q)
			if err != nil {
				t.Fatal(err)
			}
			if got := titles(posts); got != tt.want || total != tt.total {
				t.Errorf("got %q (%d in all), want %q (%d)", got, total, tt.want, tt.total)
			}
		})
	}
	// Posts come with their tags and authors.
	posts, _, _ := s.AdminPosts(ctx, blog.AdminQuery{Status: blog.StatusDraft})
	if len(posts) != 1 || len(posts[0].Tags) != 2 || posts[0].Author.Username != "bob" || posts[0].ID != draft.ID {
		t.Errorf("draft as listed: %+v", posts)
	}

	counts, err := s.StatusCounts(ctx, blog.KindPost, 0)
	want := map[blog.Status]int{blog.StatusPublished: 1, blog.StatusDraft: 1, blog.StatusPending: 1, blog.StatusScheduled: 1, blog.StatusTrashed: 1}
	if err != nil || !maps.Equal(counts, want) {
		t.Errorf("counts %v %v, want %v", counts, err, want)
	}
	counts, _ = s.StatusCounts(ctx, blog.KindPost, bob.ID)
	if want := (map[blog.Status]int{blog.StatusDraft: 1, blog.StatusPending: 1}); !maps.Equal(counts, want) {
		t.Errorf("bob's counts %v, want %v", counts, want)
	}

	changes, err := s.RecentChanges(ctx, 0, 3)
	if err != nil || len(changes) != 3 {
		t.Fatalf("recent changes: %+v %v", changes, err)
	}
	// The edit of the live post, the page, the trashing.
	c := changes[0]
	if c.PostID != live.ID || c.Title != "Live Go notes" || c.Version != 2 || c.Kind != blog.KindPost ||
		c.Author.Username != "ada" || c.Author.DisplayName != "Ada L" || !c.At.Equal(clock.T) {
		t.Errorf("latest change: %+v", c)
	}
	if changes[1].PostID != page.ID || changes[1].Kind != blog.KindPage || changes[2].PostID != trashed.ID {
		t.Errorf("changes: %+v", changes)
	}
	mine, _ := s.RecentChanges(ctx, bob.ID, 10)
	var got []string
	for _, c := range mine {
		got = append(got, c.Title)
	}
	if strings.Join(got, "|") != "Waiting 100% for review|A draft about GO generics" {
		t.Errorf("bob's changes: %v", got)
	}
}
