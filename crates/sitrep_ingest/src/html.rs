//! HTML pages: encoding, a nesting-depth guard, metadata (title, publication date, outlet) and
//! the article body as plain text with paragraphs separated by blank lines.
//!
//! The body comes from `dom_smoothie` (a port of Mozilla's Readability); its cleaned HTML is
//! rendered to text here, so paragraph breaks are ours and structure that is boilerplate even
//! inside the body (captions, credits, share bars) is marked in `removed` with its kind.

use std::sync::OnceLock;

use dom_query::{Document as Dom, NodeRef};
use sitrep_core::{Date, Document, PublishedSource, Removed, RemovedKind, Span};

use crate::date::parse_html_date;
use crate::error::IngestError;
use crate::id::stable_id;
use crate::{Input, Item, Options, Reader};

/// Pages nested deeper than this are refused before parsing. Real articles nest 20–60 deep;
/// the limit only stops malformed or hostile pages from making the parser and tree walks
/// slow or deep.
pub const MAX_HTML_DEPTH: usize = 500;
/// `dom_smoothie`'s element cap: news pages have a few thousand elements.
const MAX_ELEMENTS: usize = 200_000;

pub struct HtmlReader;

impl Reader for HtmlReader {
    fn read(&self, input: &Input, opts: &Options, out: &mut Vec<Item>) {
        let (html, _) = decode_html_bytes(&input.bytes);
        match article_from_html(&html, None, opts.max_bytes) {
            Ok(article) => {
                let warning = article.warning.clone();
                let mut doc = article.into_document();
                doc.id = stable_id(input.stem.as_deref(), &input.bytes);
                doc.source = Some(input.source.clone());
                out.push(Item::Document(Box::new(doc)));
                if let Some(message) = warning {
                    out.push(Item::Warning { source: input.source.clone(), message });
                }
            }
            Err(error) => out.push(Item::Skipped { source: input.source.clone(), error }),
        }
    }
}

/// What ingest takes from one HTML page.
#[derive(Debug, Clone, Default)]
pub struct HtmlArticle {
    pub text: String,
    pub removed: Vec<Removed>,
    pub title: Option<String>,
    pub published: Option<Date>,
    pub published_source: PublishedSource,
    pub outlet: Option<String>,
    /// Said about a page that was still read (the body came from the fallback, …).
    pub warning: Option<String>,
}

impl HtmlArticle {
    /// A document with the page's text and metadata (id and source are the caller's).
    #[must_use]
    pub fn into_document(self) -> Document {
        let mut doc = Document::from_text(String::new(), self.text);
        doc.removed = self.removed;
        doc.title = self.title;
        doc.published = self.published;
        doc.published_source = if self.published.is_some() { self.published_source } else { PublishedSource::None };
        doc.outlet = self.outlet;
        doc
    }
}

// ---------------------------------------------------------------------------------------------
// Encoding

/// Decodes a page: a BOM wins; then bytes that are valid UTF-8 are UTF-8 (a legacy-encoded page
/// is almost never valid UTF-8 by accident, while pages that mislabel UTF-8 are common); then
/// the `<meta charset>` / `http-equiv` declaration; then `chardetng`'s guess.
#[must_use]
pub fn decode_html_bytes(bytes: &[u8]) -> (String, &'static encoding_rs::Encoding) {
    if let Some((encoding, bom_len)) = encoding_rs::Encoding::for_bom(bytes) {
        let (text, _) = encoding.decode_without_bom_handling(&bytes[bom_len..]);
        return (text.into_owned(), encoding);
    }
    if let Ok(text) = std::str::from_utf8(bytes) {
        return (text.to_owned(), encoding_rs::UTF_8);
    }
    let encoding = declared_charset(bytes)
        .filter(|e| *e != encoding_rs::UTF_8 && *e != encoding_rs::UTF_16LE && *e != encoding_rs::UTF_16BE)
        .unwrap_or_else(|| {
            let mut detector = chardetng::EncodingDetector::new();
            detector.feed(bytes, true);
            detector.guess(None, true)
        });
    let (text, _) = encoding.decode_without_bom_handling(bytes);
    (text.into_owned(), encoding)
}

/// The charset a page declares in its first 4 KB (`<meta charset="…">` or
/// `<meta http-equiv="Content-Type" content="text/html; charset=…">`).
fn declared_charset(bytes: &[u8]) -> Option<&'static encoding_rs::Encoding> {
    let head: Vec<u8> = bytes[..bytes.len().min(4096)].iter().map(u8::to_ascii_lowercase).collect();
    let mut from = 0;
    while let Some(pos) = find(&head[from..], b"charset") {
        let at = from + pos + b"charset".len();
        from = at;
        let rest = &head[at..];
        let rest = rest.trim_ascii_start();
        let Some(rest) = rest.strip_prefix(b"=") else { continue };
        let rest = rest.trim_ascii_start();
        let rest = rest.strip_prefix(b"\"").or_else(|| rest.strip_prefix(b"'")).unwrap_or(rest);
        let end = rest.iter().position(|b| matches!(b, b'"' | b'\'' | b';' | b'>' | b' ' | b'/')).unwrap_or(rest.len());
        if let Some(enc) = encoding_rs::Encoding::for_label(&rest[..end]) {
            return Some(enc);
        }
    }
    None
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

// ---------------------------------------------------------------------------------------------
// Depth guard

/// Elements whose end tag is optional: an unclosed `<p>` or `<li>` is closed by its next
/// sibling, not nested, so they never deepen the tree.
const OPTIONAL_END: &[&str] = &[
    "p", "li", "dt", "dd", "tr", "td", "th", "option", "optgroup", "thead", "tbody", "tfoot", "colgroup", "caption",
    "rb", "rt", "rp", "rtc", "html", "head", "body",
];
const VOID: &[&str] = &[
    "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param", "source", "track", "wbr",
    "keygen", "command", "basefont", "bgsound", "frame", "image", "isindex",
];
const RAW_TEXT: &[&str] =
    &["script", "style", "textarea", "title", "xmp", "iframe", "noembed", "noframes", "plaintext"];

/// Refuses markup nested deeper than `limit`, by a linear scan of the tags (no parsing, no
/// recursion), so a hostile page is turned away before any tree is built.
///
/// # Errors
/// [`IngestError::TooDeep`] when open tags outnumber closed ones by more than `limit`.
pub fn check_depth(html: &str, limit: usize) -> Result<(), IngestError> {
    let b = html.as_bytes();
    let mut i = 0;
    let mut depth: usize = 0;
    while let Some(off) = memchr_lt(&b[i..]) {
        i += off + 1;
        let rest = &b[i..];
        if rest.starts_with(b"!--") {
            i += find(&rest[3..], b"-->").map_or(rest.len(), |p| p + 6);
            continue;
        }
        if rest.first().is_some_and(|c| *c == b'!' || *c == b'?') {
            i += rest.iter().position(|&c| c == b'>').map_or(rest.len(), |p| p + 1);
            continue;
        }
        let closing = rest.first() == Some(&b'/');
        let name_start = usize::from(closing);
        let name_len =
            rest[name_start..].iter().take_while(|c| c.is_ascii_alphanumeric() || **c == b'-' || **c == b':').count();
        if name_len == 0 {
            continue;
        }
        let name = html[i + name_start..i + name_start + name_len].to_ascii_lowercase();
        let tag_end = rest.iter().position(|&c| c == b'>').map_or(rest.len(), |p| p + 1);
        let self_closing = tag_end >= 2 && rest[tag_end - 2] == b'/';
        i += tag_end;
        let name = name.as_str();
        if OPTIONAL_END.contains(&name) || VOID.contains(&name) {
            continue;
        }
        if closing {
            depth = depth.saturating_sub(1);
            continue;
        }
        if RAW_TEXT.contains(&name) {
            let close = format!("</{name}");
            let lower_rest = &b[i..];
            i += find_ascii_ci(lower_rest, close.as_bytes()).unwrap_or(lower_rest.len());
            continue;
        }
        if !self_closing {
            depth += 1;
            if depth > limit {
                return Err(IngestError::TooDeep { limit });
            }
        }
    }
    Ok(())
}

fn memchr_lt(b: &[u8]) -> Option<usize> {
    b.iter().position(|&c| c == b'<')
}

fn find_ascii_ci(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w.eq_ignore_ascii_case(needle))
}

// ---------------------------------------------------------------------------------------------
// Article

/// The article in an HTML page: body text (with boilerplate inside it marked), title,
/// publication date and outlet. `url` helps readability resolve links; it may be `None`.
///
/// # Errors
/// Too large, nested too deep, too many elements, or no article text at all.
pub fn article_from_html(html: &str, url: Option<&str>, max_bytes: u64) -> Result<HtmlArticle, IngestError> {
    if html.len() as u64 > max_bytes {
        return Err(IngestError::TooLarge { size: html.len() as u64, limit: max_bytes });
    }
    check_depth(html, MAX_HTML_DEPTH)?;
    let dom = Dom::from(html);
    let meta = Metadata::read(&dom);

    let config = dom_smoothie::Config {
        keep_classes: true,
        max_elements_to_parse: MAX_ELEMENTS,
        ..dom_smoothie::Config::default()
    };
    let url = url.filter(|u| u.starts_with("http://") || u.starts_with("https://"));
    let readability = dom_smoothie::Readability::with_document(dom, url, Some(config));
    let parsed = readability.map_err(|_| IngestError::NoArticle).and_then(|mut r| match r.parse() {
        Ok(article) => Ok(article),
        Err(dom_smoothie::ReadabilityError::TooManyElements(found, _)) => {
            Err(IngestError::TooManyElements { found, limit: MAX_ELEMENTS })
        }
        Err(_) => Err(IngestError::NoArticle),
    });
    let (rendered, warning) = match parsed {
        Ok(article) => (render(&Dom::fragment(article.content.to_string()).root(), false), None),
        Err(err @ IngestError::TooManyElements { .. }) => return Err(err),
        Err(_) => {
            // Readability found no candidate (short pages, unusual markup): fall back to the
            // page's body minus its obvious chrome, so a short news item still gets read.
            let dom = Dom::from(html);
            let root = dom.select_single("article").nodes().first().copied().or_else(|| dom.body());
            let rendered = root.map(|r| render(&r, true)).unwrap_or_default();
            (rendered, Some("readability found no article body; read the page body instead".to_owned()))
        }
    };
    if rendered.text.trim().is_empty() {
        return Err(IngestError::NoArticle);
    }
    let (published, published_source) = match meta.published {
        Some((d, s)) => (Some(d), s),
        None => (None, PublishedSource::None),
    };
    Ok(HtmlArticle {
        text: rendered.text,
        removed: rendered.removed,
        title: meta.title,
        published,
        published_source,
        outlet: meta.outlet,
        warning,
    })
}

pub(crate) fn fallback_document(html: &str) -> Document {
    let dom = Dom::from(html);
    let root = dom.select_single("article").nodes().first().copied().or_else(|| dom.body());
    let rendered = root.map(|r| render(&r, true)).unwrap_or_default();
    let mut doc = Document::from_text("fallback", rendered.text);
    doc.removed = rendered.removed;
    doc
}

// ---------------------------------------------------------------------------------------------
// Metadata

struct Metadata {
    title: Option<String>,
    published: Option<(Date, PublishedSource)>,
    outlet: Option<String>,
}

/// `<meta>` names and properties that hold the publication date, most specific first. Modified,
/// updated and crawl dates (`article:modified_time`, `og:updated_time`, `dateModified`,
/// `last-modified`) are deliberately absent: they are not when the article appeared.
const PUBLISHED_META: &[&str] = &[
    "article:published_time",
    "og:article:published_time",
    "article:published",
    "og:published_time",
    "published_time",
    "datepublished",
    "parsely-pub-date",
    "sailthru.date",
    "article.published",
    "publish-date",
    "publish_date",
    "publishdate",
    "pubdate",
    "original-publish-date",
    "dc.date.issued",
    "dcterms.issued",
    "dcterms.created",
    "dc.date.created",
    "citation_publication_date",
    "cxenseparse:recs:publishtime",
    "dc.date",
    "date",
];

/// JSON-LD types that describe the article itself (not the site, a breadcrumb or a video).
const ARTICLE_TYPES: &[&str] = &[
    "newsarticle",
    "article",
    "reportagenewsarticle",
    "analysisnewsarticle",
    "backgroundnewsarticle",
    "opinionnewsarticle",
    "reviewnewsarticle",
    "blogposting",
    "liveblogposting",
    "report",
    "webpage",
];

impl Metadata {
    fn read(dom: &Dom) -> Self {
        let mut metas: Vec<(String, String)> = Vec::new();
        for node in dom.select("meta").nodes() {
            let Some(content) = node.attr("content") else { continue };
            for key in ["property", "name", "itemprop"] {
                if let Some(k) = node.attr(key) {
                    metas.push((k.trim().to_ascii_lowercase(), content.trim().to_owned()));
                }
            }
        }
        let meta = |key: &str| metas.iter().find(|(k, v)| k == key && !v.is_empty()).map(|(_, v)| v.clone());
        let jsonld = JsonLd::read(dom);

        let title = meta("og:title")
            .or_else(|| meta("twitter:title"))
            .or_else(|| jsonld.headline.clone())
            .or_else(|| non_empty(&*dom.select_single("title").text()))
            .or_else(|| non_empty(&*dom.select_single("h1").text()))
            .map(|t| collapse_ws(&t));
        let outlet = meta("og:site_name")
            .or_else(|| meta("application-name"))
            .or_else(|| jsonld.publisher.clone())
            .map(|t| collapse_ws(&t));

        // Every stated publication time, most trusted source first. A UTC timestamp gives the
        // date in Greenwich, which for a page published in the evening in the Americas is the
        // next day; a timestamp in the publisher's own offset (or a bare date) gives the date
        // the page itself shows, so the first such one wins over an earlier UTC one.
        let mut candidates: Vec<(String, PublishedSource)> = Vec::new();
        candidates.extend(PUBLISHED_META.iter().filter_map(|k| meta(k)).map(|v| (v, PublishedSource::HtmlMeta)));
        candidates.extend(
            metas
                .iter()
                .filter(|(k, v)| !v.is_empty() && is_loose_publish_key(k))
                .map(|(_, v)| (v.clone(), PublishedSource::HtmlMeta)),
        );
        candidates.extend(jsonld.published.iter().map(|v| (v.clone(), PublishedSource::Jsonld)));
        candidates.extend(time_tag_date(dom).map(|v| (v, PublishedSource::TimeTag)));
        let parsed: Vec<(Date, PublishedSource, bool)> =
            candidates.iter().filter_map(|(v, s)| parse_html_date(v).map(|d| (d, *s, is_utc_or_naive(v)))).collect();
        let published = parsed.iter().find(|(_, _, utc)| !utc).or_else(|| parsed.first()).map(|(d, s, _)| (*d, *s));
        Self { title, published, outlet }
    }
}

#[derive(Default)]
struct JsonLd {
    headline: Option<String>,
    /// The `datePublished` value as written.
    published: Option<String>,
    publisher: Option<String>,
}

impl JsonLd {
    /// Reads every `application/ld+json` block; an article-typed object wins over any other
    /// object that happens to carry a `datePublished` (a video, a review in the sidebar).
    fn read(dom: &Dom) -> Self {
        let mut best = Self::default();
        let mut fallback = Self::default();
        for node in dom.select("script").nodes() {
            if !node.attr("type").is_some_and(|t| t.to_ascii_lowercase().contains("ld+json")) {
                continue;
            }
            let text = node.text();
            let Ok(value) = serde_json::from_str::<serde_json::Value>(text.trim()) else {
                // Broken JSON-LD is common (stray quotes, trailing commas); the date is still
                // readable as the string after its key.
                if fallback.published.is_none() {
                    fallback.published = string_after_key(&text, "\"datePublished\"");
                }
                continue;
            };
            let mut stack = vec![&value];
            while let Some(v) = stack.pop() {
                match v {
                    serde_json::Value::Array(items) => stack.extend(items.iter().rev()),
                    serde_json::Value::Object(obj) => {
                        let is_article = types_of(obj.get("@type")).iter().any(|t| ARTICLE_TYPES.contains(&t.as_str()));
                        let target = if is_article { &mut best } else { &mut fallback };
                        if target.published.is_none() {
                            target.published = obj
                                .get("datePublished")
                                .and_then(serde_json::Value::as_str)
                                .filter(|v| parse_html_date(v).is_some())
                                .map(str::to_owned);
                        }
                        if is_article {
                            if target.headline.is_none() {
                                target.headline =
                                    obj.get("headline").and_then(serde_json::Value::as_str).and_then(non_empty);
                            }
                            if target.publisher.is_none() {
                                target.publisher = obj
                                    .get("publisher")
                                    .and_then(|p| p.get("name").or(Some(p)))
                                    .and_then(serde_json::Value::as_str)
                                    .and_then(non_empty);
                            }
                        }
                        if let Some(graph) = obj.get("@graph") {
                            stack.push(graph);
                        }
                        if let Some(main) = obj.get("mainEntity") {
                            stack.push(main);
                        }
                    }
                    _ => {}
                }
            }
        }
        Self { headline: best.headline, published: best.published.or(fallback.published), publisher: best.publisher }
    }
}

/// The string value after `"key"` in text that is not valid JSON: `"datePublished": "2019-…"`.
fn string_after_key(text: &str, key: &str) -> Option<String> {
    let at = text.find(key)? + key.len();
    let rest = text[at..].trim_start().strip_prefix(':')?.trim_start().strip_prefix('"')?;
    let value = &rest[..rest.find('"')?];
    parse_html_date(value).is_some().then(|| value.to_owned())
}

/// Meta keys not in [`PUBLISHED_META`] that still plainly name a publication date
/// (`sn-post-date`, `article-publish-date`, `pub_date`), and no modification.
fn is_loose_publish_key(key: &str) -> bool {
    let publishes = ["publish", "pubdate", "pub-date", "pub_date", "post-date", "postdate", "post_date"]
        .iter()
        .any(|w| key.contains(w));
    let modifies = ["modif", "updat", "edit", "expir", "crawl", "index"].iter().any(|w| key.contains(w));
    publishes && !modifies && !key.contains("publisher")
}

/// True for a timestamp in UTC (`Z`, `+00:00`) or with no offset at all, whose date may not be
/// the publisher's; false for a bare date or a timestamp in a local offset.
fn is_utc_or_naive(value: &str) -> bool {
    let v = value.trim();
    let b = v.as_bytes();
    if b.len() < 11 || !matches!(b[4], b'-' | b'/') || b[7] != b[4] {
        return false;
    }
    let Some(time_at) = v.get(10..).and_then(|t| t.find(['T', ' '])).map(|i| i + 10) else {
        return false;
    };
    let time = &v[time_at + 1..];
    if !time.starts_with(|c: char| c.is_ascii_digit()) {
        return false;
    }
    if time.ends_with('Z') || time.ends_with("+00:00") || time.ends_with("+0000") || time.ends_with("-00:00") {
        return true;
    }
    !(time.contains('+') || time.contains('-'))
}

fn types_of(v: Option<&serde_json::Value>) -> Vec<String> {
    match v {
        Some(serde_json::Value::String(s)) => vec![s.to_ascii_lowercase()],
        Some(serde_json::Value::Array(a)) => a.iter().filter_map(|t| t.as_str()).map(str::to_ascii_lowercase).collect(),
        _ => Vec::new(),
    }
}

/// The publication date in a `<time datetime>` tag: one marked as the publication time
/// (`itemprop="datePublished"`, `pubdate`, a class saying "publish"), else the first one inside
/// the article or its header. Tags marked or worded as "updated"/"modified" are skipped.
fn time_tag_date(dom: &Dom) -> Option<String> {
    let mut in_article = None;
    for node in dom.select("time[datetime]").nodes() {
        let Some(value) = node.attr("datetime").map(|d| d.trim().to_owned()) else { continue };
        if parse_html_date(&value).is_none() {
            continue;
        }
        // Microdata says it outright (WordPress themes also put hAtom's class "updated" on the
        // publication time, so this is checked before the wording).
        if node.attr("itemprop").is_some_and(|p| p.eq_ignore_ascii_case("datePublished")) || node.has_attr("pubdate") {
            return Some(value);
        }
        let context = time_context(node);
        if ["updat", "modif", "edited"].iter().any(|w| context.contains(w)) {
            continue;
        }
        if context.contains("publish") {
            return Some(value);
        }
        if in_article.is_none() && node.ancestors_it(Some(12)).any(|a| a.node_name().is_some_and(|n| &*n == "article"))
        {
            in_article = Some(value);
        }
    }
    in_article
}

/// Lower-cased class, id and itemprop of a time tag and its two nearest ancestors, and the
/// words just before it ("Updated", "Published"), to tell a publication time from an update.
fn time_context(node: &NodeRef) -> String {
    let mut context = String::new();
    let mut push_attrs = |n: &NodeRef| {
        for a in ["class", "id", "itemprop"] {
            if let Some(v) = n.attr(a) {
                context.push_str(&v.to_ascii_lowercase());
                context.push(' ');
            }
        }
    };
    push_attrs(node);
    for a in node.ancestors_it(Some(2)) {
        push_attrs(&a);
    }
    context.push_str(&node.text().to_ascii_lowercase());
    if let Some(prev) = node.prev_sibling() {
        context.push(' ');
        context.push_str(&prev.text().to_ascii_lowercase());
    }
    context
}

fn non_empty(s: impl AsRef<str>) -> Option<String> {
    let t = s.as_ref().trim();
    (!t.is_empty()).then(|| t.to_owned())
}

fn collapse_ws(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

// ---------------------------------------------------------------------------------------------
// Rendering the body to text

/// Body text with blank lines between blocks, and the boilerplate ranges inside it.
#[derive(Debug, Default)]
struct Rendered {
    text: String,
    removed: Vec<Removed>,
}

/// Elements that start a new paragraph.
const BLOCK: &[&str] = &[
    "address",
    "article",
    "aside",
    "blockquote",
    "dd",
    "details",
    "dialog",
    "div",
    "dl",
    "dt",
    "fieldset",
    "figcaption",
    "figure",
    "footer",
    "form",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "header",
    "hgroup",
    "hr",
    "li",
    "main",
    "nav",
    "ol",
    "p",
    "pre",
    "section",
    "table",
    "ul",
    "summary",
    "caption",
    "center",
];
/// Elements whose text is never article text.
const SKIP: &[&str] = &[
    "script", "style", "noscript", "template", "svg", "math", "button", "select", "input", "textarea", "iframe",
    "object", "embed", "canvas", "video", "audio", "head", "title", "meta", "link",
];
/// Page chrome, skipped only when rendering a whole page body (the fallback); inside a body
/// readability kept, such elements are marked instead.
const CHROME: &[&str] = &["nav", "header", "footer", "aside", "form"];

#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Gap {
    None,
    Space,
    Line,
    Paragraph,
}

struct Renderer {
    text: String,
    removed: Vec<Removed>,
    gap: Gap,
    /// The boilerplate element being rendered, if any: its kind and where its text began.
    marking: Option<(RemovedKind, Option<usize>, usize)>,
}

impl Renderer {
    fn push_text(&mut self, s: &str, preformatted: bool) {
        for c in s.chars() {
            if preformatted && c == '\n' {
                self.gap = self.gap.max(Gap::Line);
            } else if c.is_whitespace() {
                self.gap = self.gap.max(Gap::Space);
            } else {
                if !self.text.is_empty() {
                    match self.gap {
                        Gap::None => {}
                        Gap::Space => self.text.push(' '),
                        Gap::Line => self.text.push('\n'),
                        Gap::Paragraph => self.text.push_str("\n\n"),
                    }
                }
                self.gap = Gap::None;
                if let Some((_, start @ None, _)) = &mut self.marking {
                    *start = Some(self.text.len());
                }
                self.text.push(c);
            }
        }
    }

    fn gap(&mut self, gap: Gap) {
        self.gap = self.gap.max(gap);
    }
}

fn render(root: &NodeRef, whole_page: bool) -> Rendered {
    enum Step<'a> {
        Enter(NodeRef<'a>, usize),
        Exit(bool, usize),
    }
    let mut r = Renderer { text: String::new(), removed: Vec::new(), gap: Gap::None, marking: None };
    let mut pre_depth = 0usize;
    let mut stack = vec![Step::Enter(*root, 0)];
    while let Some(step) = stack.pop() {
        match step {
            Step::Exit(block, depth) => {
                if block {
                    r.gap(Gap::Paragraph);
                }
                if pre_depth == depth + 1 {
                    pre_depth = 0;
                }
                if let Some((kind, start, at)) = r.marking {
                    if at == depth {
                        if let Some(start) = start {
                            r.removed.push(Removed { span: Span::new(start, r.text.len()), kind });
                        }
                        r.marking = None;
                    }
                }
            }
            Step::Enter(node, depth) => {
                if node.is_text() {
                    r.push_text(&node.text(), pre_depth > 0);
                    continue;
                }
                if !node.is_element() && !node.is_document() && !node.is_fragment() {
                    continue;
                }
                let name = node.node_name().map(|n| n.to_ascii_lowercase()).unwrap_or_default();
                if SKIP.contains(&name.as_str()) || (whole_page && CHROME.contains(&name.as_str())) || is_hidden(&node)
                {
                    continue;
                }
                match name.as_str() {
                    "br" => {
                        r.gap(Gap::Line);
                        continue;
                    }
                    "hr" => {
                        r.gap(Gap::Paragraph);
                        continue;
                    }
                    "td" | "th" => r.gap(Gap::Space),
                    "tr" => r.gap(Gap::Line),
                    "pre" if pre_depth == 0 => pre_depth = depth + 1,
                    _ => {}
                }
                let block = BLOCK.contains(&name.as_str());
                if block {
                    r.gap(Gap::Paragraph);
                }
                if r.marking.is_none() {
                    if let Some(kind) = boilerplate_kind(&name, &node) {
                        r.marking = Some((kind, None, depth));
                    }
                }
                stack.push(Step::Exit(block, depth));
                let children = node.children();
                stack.extend(children.into_iter().rev().map(|c| Step::Enter(c, depth + 1)));
            }
        }
    }
    Rendered { text: r.text, removed: r.removed }
}

fn is_hidden(node: &NodeRef) -> bool {
    node.has_attr("hidden")
        || node.attr("aria-hidden").is_some_and(|v| v.eq_ignore_ascii_case("true"))
        || node.attr("style").is_some_and(|s| {
            let s = s.to_ascii_lowercase().replace(' ', "");
            s.contains("display:none") || s.contains("visibility:hidden")
        })
}

/// The removed kind an element of the kept body stands for: by tag (`figcaption`, `figure`,
/// `aside`) or by a word in its class or id (the hints data file).
fn boilerplate_kind(name: &str, node: &NodeRef) -> Option<RemovedKind> {
    match name {
        "figcaption" | "figure" => return Some(RemovedKind::Caption),
        "aside" => return Some(RemovedKind::Related),
        "nav" => return Some(RemovedKind::Navigation),
        _ => {}
    }
    let hints = hints();
    for attr in ["class", "id"] {
        let Some(value) = node.attr(attr) else { continue };
        let value = value.to_ascii_lowercase();
        for part in value.split(|c: char| c.is_whitespace() || c == '-' || c == '_') {
            if let Some((_, kind)) = hints.iter().find(|(w, _)| w == part) {
                return Some(*kind);
            }
        }
    }
    None
}

fn hints() -> &'static [(String, RemovedKind)] {
    static HINTS: OnceLock<Vec<(String, RemovedKind)>> = OnceLock::new();
    HINTS.get_or_init(|| parse_hints(include_str!("../data/html_boilerplate_hints.tsv")))
}

fn parse_hints(data: &str) -> Vec<(String, RemovedKind)> {
    data.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .map(|l| {
            let (word, kind) = l.split_once('\t').unwrap_or_else(|| panic!("hints line without a tab: {l:?}"));
            let kind: RemovedKind = serde_json::from_value(serde_json::Value::String(kind.trim().to_owned()))
                .unwrap_or_else(|_| panic!("hints line with an unknown kind: {l:?}"));
            (word.trim().to_ascii_lowercase(), kind)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_hints_file_parses() {
        let hints = parse_hints(include_str!("../data/html_boilerplate_hints.tsv"));
        assert!(hints.iter().any(|(w, k)| w == "credit" && *k == RemovedKind::Credit));
    }

    #[test]
    fn depth_guard_counts_real_nesting_only() {
        let deep = "<div>".repeat(600);
        assert!(matches!(check_depth(&deep, 500), Err(IngestError::TooDeep { .. })));
        let siblings = "<div><p>one<p>two<li>x<li>y<br><img src=a></div>".repeat(10_000);
        assert!(check_depth(&siblings, 500).is_ok());
        let in_script = format!("<script>{}</script>", "<div>".repeat(1000));
        assert!(check_depth(&in_script, 500).is_ok());
        let in_comment = format!("<!-- {} -->", "<div>".repeat(1000));
        assert!(check_depth(&in_comment, 500).is_ok());
    }

    #[test]
    fn declared_charset_is_found_in_both_forms() {
        assert_eq!(declared_charset(b"<meta charset=\"windows-1256\">"), Some(encoding_rs::WINDOWS_1256));
        assert_eq!(
            declared_charset(b"<meta http-equiv=\"Content-Type\" content=\"text/html; charset=ISO-8859-6\">"),
            Some(encoding_rs::ISO_8859_6)
        );
    }

    #[test]
    fn body_keeps_paragraphs_and_marks_captions() {
        let html = r#"<html><head><title>T</title>
            <meta property="article:published_time" content="2026-04-12T09:00:00+01:00">
            <meta property="article:modified_time" content="2026-04-14T09:00:00+01:00">
            <meta property="og:site_name" content="Central Africa Wire"></head>
            <body><article>
            <p>Armed men attacked a convoy near Bria on Saturday, killing four drivers, officials said.</p>
            <figure><img src="x.jpg"><figcaption>Trucks near Bria. Photo: Staff</figcaption></figure>
            <p>The United Nations mission said peacekeepers had been sent to the area, and that the road
            to Bambari would stay closed until further notice while the attack was investigated.</p>
            <p>A spokesman for the rebel coalition denied that its fighters had been involved in the attack,
            saying the group had withdrawn from the area weeks before.</p>
            </article></body></html>"#;
        let a = article_from_html(html, None, 1 << 20).unwrap();
        assert!(a.text.contains("drivers, officials said.\n\nTrucks near Bria."), "{:?}", a.text);
        assert_eq!(a.removed.len(), 1);
        assert_eq!(a.removed[0].kind, RemovedKind::Caption);
        assert_eq!(a.removed[0].span.of(&a.text), "Trucks near Bria. Photo: Staff");
        assert_eq!(a.published, Some("2026-04-12".parse().unwrap()));
        assert_eq!(a.published_source, PublishedSource::HtmlMeta);
        assert_eq!(a.outlet.as_deref(), Some("Central Africa Wire"));
        sitrep_core::check::assert_spans(&a.into_document());
    }

    #[test]
    fn modified_dates_are_not_publication_dates() {
        let html = r#"<html><head><meta property="article:modified_time" content="2026-04-14">
            <script type="application/ld+json">{"@type":"NewsArticle","dateModified":"2026-04-14","datePublished":"2026-04-11T20:00:00Z"}</script>
            </head><body><p>Short item about a clash.</p></body></html>"#;
        let a = article_from_html(html, None, 1 << 20).unwrap();
        assert_eq!(a.published, Some("2026-04-11".parse().unwrap()));
        assert_eq!(a.published_source, PublishedSource::Jsonld);
    }

    #[test]
    fn a_local_timestamp_beats_an_earlier_utc_one() {
        let html = r#"<html><head><meta property="article:published_time" content="2026-04-13T02:10:00Z">
            <script type="application/ld+json">{"@type":"NewsArticle","datePublished":"2026-04-12T21:10:00-05:00"}</script>
            </head><body><p>Short item about a clash.</p></body></html>"#;
        let a = article_from_html(html, None, 1 << 20).unwrap();
        assert_eq!(a.published, Some("2026-04-12".parse().unwrap()));
        assert_eq!(a.published_source, PublishedSource::Jsonld);
    }

    #[test]
    fn broken_json_ld_still_gives_its_date() {
        let html = r#"<html><head><script type="application/ld+json">{"@type":"NewsArticle",
            "datePublished": "2026-04-12T09:00:00+01:00", "description": "a "quoted" word"}</script>
            </head><body><p>Short item about a clash.</p></body></html>"#;
        let a = article_from_html(html, None, 1 << 20).unwrap();
        assert_eq!(a.published, Some("2026-04-12".parse().unwrap()));
    }

    #[test]
    fn utc_and_local_timestamps_are_told_apart() {
        assert!(is_utc_or_naive("2019-11-19T07:03:25+00:00"));
        assert!(is_utc_or_naive("2019-11-20T01:50:59.403"));
        assert!(is_utc_or_naive("2019-11-19T02:34:30Z"));
        assert!(!is_utc_or_naive("2019-11-18T16:06:51-05:00"));
        assert!(!is_utc_or_naive("2019-11-18"));
        assert!(!is_utc_or_naive("Tue, 19 Nov 2019"));
    }

    #[test]
    fn time_tags_marked_updated_are_skipped() {
        let html = r#"<html><body><article>
            <p class="updated">Updated <time datetime="2026-04-15">April 15</time></p>
            <p class="date">Published <time datetime="2026-04-12">April 12</time></p>
            <p>Short item about a clash.</p></article></body></html>"#;
        let a = article_from_html(html, None, 1 << 20).unwrap();
        assert_eq!(a.published, Some("2026-04-12".parse().unwrap()));
        assert_eq!(a.published_source, PublishedSource::TimeTag);
    }
}
