package blog

// Dependency keys name the inputs a rendered page was made from. The page
// cache indexes cached pages by these keys, and every write says which keys
// it touched, so a write drops exactly the pages that depend on it:
//
//   - DepPost(id): the post's title, path, excerpt, content, tags or date,
//     recorded by every page that shows any of them (its own page, lists
//     showing it, its neighbours' previous/next links, feeds, the archive);
//   - DepNav(id): what a post's own page shows of the stream around it
//     (its previous/next links), recorded only by that page; a post that
//     moves names its old and new neighbours' DepNav, not their DepPost,
//     so the lists showing those neighbours stay cached;
//   - DepList: which posts are visible and in what order (front pages,
//     archives, site feeds, sitemap, the 404 page's recent posts);
//   - DepTag(slug): which posts carry a tag (its tag pages and feeds);
//   - DepSettings: the site settings, which every page shows.
//
// The theme is fixed for the life of a process, so it needs no key.
const (
	DepList     = "list"
	DepSettings = "settings"
)

// DepPost is the key of one post's own content.
func DepPost(id string) string { return "post:" + id }

// DepNav is the key of a post page's previous/next links.
func DepNav(id string) string { return "nav:" + id }

// DepTag is the key of a tag's membership.
func DepTag(slug string) string { return "tag:" + slug }
