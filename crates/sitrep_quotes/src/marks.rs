//! Finding quotations: pairs of quotation marks, straight or curly, including the newspaper
//! convention where a quote running over several paragraphs reopens each paragraph with an opening
//! mark and closes only at its end. Single marks inside double ones are nested quotes and stay part
//! of the outer quote.

use sitrep_core::Span;

/// A quotation found in the text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Quotation {
    /// The words inside the marks, marks excluded.
    pub inner: Span,
    /// From the opening mark to the closing mark inclusive (to the paragraph end when unclosed).
    pub outer: Span,
}

impl Quotation {
    /// A quotation that names something rather than quoting speech: a short phrase in title case
    /// ("Nation Tonight", "Morning Report"), or one that directly follows a preposition
    /// ("appeared on “Meet the Nation”").
    pub fn is_title(&self, text: &str) -> bool {
        let inner = self.inner.of(text);
        let words: Vec<&str> = inner.split_whitespace().collect();
        if words.is_empty() || words.len() > 6 {
            return false;
        }
        let title_case = words
            .iter()
            .filter(|w| w.chars().filter(|c| c.is_alphabetic()).count() > 3)
            .all(|w| w.chars().find(|c| c.is_alphabetic()).is_some_and(char::is_uppercase));
        let capitalised = words[0].chars().next().is_some_and(char::is_uppercase);
        let before = text[..self.outer.start].trim_end();
        let previous_word = before.rsplit(|c: char| !c.is_alphabetic()).next().unwrap_or("");
        let after_preposition = matches!(previous_word, "on" | "in" | "at" | "from" | "of" | "for" | "about" | "with" | "titled" | "entitled" | "dubbed" | "named");
        capitalised && (title_case || after_preposition)
    }
}

/// Guillemets are left out on purpose: English text uses them as arrows ("Read more »",
/// "« Previous"), and an unclosed opening mark would swallow a paragraph as a quotation.
const fn is_double_open(c: char) -> bool {
    matches!(c, '\u{201C}' | '\u{201E}')
}

const fn is_double_close(c: char) -> bool {
    matches!(c, '\u{201D}')
}

/// Whether a straight `"` at this position opens a quotation (it follows a space, a bracket or a
/// dash, or starts the text) rather than closing one.
fn straight_opens(prev: Option<char>, next: Option<char>) -> bool {
    let after_space = prev.is_none_or(|p| p.is_whitespace() || matches!(p, '(' | '[' | '{' | '\u{2014}' | '\u{2013}' | '-' | '/' | ':'));
    let before_word = next.is_some_and(|n| !n.is_whitespace());
    after_space && before_word
}

/// Every quotation in `text`, in order. Marks are paired within a paragraph; an opening mark left
/// unclosed at a paragraph's end continues the quote when the next paragraph opens with a mark, and
/// otherwise ends the quote at the paragraph's end.
#[must_use]
pub fn find_quotations(text: &str) -> Vec<Quotation> {
    let mut out = Vec::new();
    // Byte offset of the opening mark, and of the first byte inside it.
    let mut open: Option<(usize, usize)> = None;
    // Set when a quote is left open at a paragraph break; the next paragraph must reopen it.
    let mut awaiting_reopen: Option<(usize, usize, usize)> = None; // (mark start, inner start, paragraph end)
    let mut paragraph_start = true;
    let char_at = |at: usize| text.get(at..).and_then(|rest| rest.chars().next());
    let mut pos = 0;
    while let Some(c) = char_at(pos) {
        let clen = c.len_utf8();
        if c == '\n' {
            if let Some((mark, inner)) = open.take() {
                awaiting_reopen = Some((mark, inner, trim_end(text, pos)));
            }
            paragraph_start = true;
            pos += clen;
            continue;
        }
        if c.is_whitespace() {
            pos += clen;
            continue;
        }
        let at_paragraph_start = paragraph_start;
        paragraph_start = false;
        let is_mark = matches!(c, '"' | '\'' | '\u{2018}') || is_double_open(c) || is_double_close(c);
        if !is_mark && awaiting_reopen.is_none() {
            pos += clen;
            continue;
        }
        let prev = text[..pos].chars().next_back();
        let next = char_at(pos + clen);
        // Two apostrophes stand for a double mark in some wire and archive text (''like this'').
        let doubled = c == '\'' && next == Some('\'');
        let (c, next, len) = if doubled { ('"', char_at(pos + 2), 2) } else { (c, next, clen) };
        if let Some((mark, inner, paragraph_end)) = awaiting_reopen.take() {
            let reopens = is_double_open(c) || (c == '"' && straight_opens(prev, next));
            if at_paragraph_start && reopens {
                open = Some((mark, inner));
                pos += len;
                continue;
            }
            // Unclosed and not continued: the quote ends with its paragraph.
            push(&mut out, text, mark, inner, paragraph_end, paragraph_end);
        }
        if is_double_open(c) {
            // A second opening mark inside an open quote means the first was never closed.
            open = Some((pos, pos + len));
        } else if is_double_close(c) {
            if let Some((mark, inner)) = open.take() {
                push(&mut out, text, mark, inner, pos, pos + len);
            } else if at_paragraph_start && next.is_some_and(char::is_alphanumeric) {
                // A right mark typed where a left one belongs, opening a paragraph.
                open = Some((pos, pos + len));
            }
        } else if c == '"' {
            match open {
                Some((mark, inner)) if !straight_opens(prev, next) || next.is_none_or(char::is_whitespace) => {
                    open = None;
                    push(&mut out, text, mark, inner, pos, pos + len);
                }
                Some(_) | None => {
                    if straight_opens(prev, next) {
                        open = Some((pos, pos + len));
                    }
                }
            }
        } else if c == '\u{2018}' && open.is_none() && prev.is_none_or(|p| p.is_whitespace() || matches!(p, '(' | '\u{2014}' | ':')) {
            // A single-quoted quotation at the top level (headline style): close at the first
            // right single mark that is not an apostrophe inside a word.
            if let Some((cpos, clen)) = single_close(text, pos + len) {
                push(&mut out, text, pos, pos + len, cpos, cpos + clen);
                pos = cpos + clen;
                continue;
            }
        }
        pos += len;
    }
    if let Some((mark, inner)) = open {
        let end = trim_end(text, text.len());
        push(&mut out, text, mark, inner, end, end);
    }
    if let Some((mark, inner, paragraph_end)) = awaiting_reopen {
        push(&mut out, text, mark, inner, paragraph_end, paragraph_end);
    }
    out
}

/// Offset and length of the right single mark closing a single quotation whose words start at
/// `from`, within the line.
fn single_close(text: &str, from: usize) -> Option<(usize, usize)> {
    let mut chars = text[from..].char_indices().peekable();
    while let Some((at, c)) = chars.next() {
        if c == '\n' || is_double_open(c) || is_double_close(c) || c == '"' {
            return None;
        }
        if c == '\u{2019}' && !chars.peek().is_some_and(|(_, n)| n.is_alphanumeric()) {
            return Some((from + at, c.len_utf8()));
        }
    }
    None
}

fn trim_end(text: &str, end: usize) -> usize {
    text[..end].trim_end().len()
}

fn push(out: &mut Vec<Quotation>, text: &str, mark: usize, inner_start: usize, inner_end: usize, outer_end: usize) {
    // Trim spaces just inside the marks so the span holds only the words.
    let inner_text = &text[inner_start..inner_end];
    let lead = inner_text.len() - inner_text.trim_start().len();
    let trail = inner_text.len() - inner_text.trim_end().len();
    let inner = Span::new(inner_start + lead, inner_end - trail);
    if inner.start >= inner.end {
        return;
    }
    out.push(Quotation { inner, outer: Span::new(mark, outer_end) });
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(text: &str) -> Vec<&str> {
        find_quotations(text).iter().map(|q| q.inner.of(text)).collect()
    }

    #[test]
    fn pairs_curly_and_straight_marks() {
        assert_eq!(texts("He said “we will stay” and \"we will win.\""), ["we will stay", "we will win."]);
    }

    #[test]
    fn nested_single_quotes_stay_inside() {
        assert_eq!(texts("“They shouted ‘leave now’ at us,” she said."), ["They shouted ‘leave now’ at us,"]);
    }

    #[test]
    fn continues_across_paragraphs_that_reopen() {
        let text = "“The first part.\n\n“The second part,” he said.";
        let q = find_quotations(text);
        assert_eq!(q.len(), 1);
        assert_eq!(q[0].inner.of(text), "The first part.\n\n“The second part,");
    }

    #[test]
    fn unclosed_quote_ends_with_its_paragraph() {
        assert_eq!(texts("He wrote: \"nothing was done\nNext paragraph."), ["nothing was done"]);
    }

    #[test]
    fn doubled_apostrophes_are_double_marks() {
        assert_eq!(texts("''We stay,'' he said. It's ''over.''"), ["We stay,", "over."]);
    }

    #[test]
    fn right_mark_opening_a_paragraph_opens() {
        assert_eq!(texts("Intro.\n\u{201D}We stayed.\u{201D} \u{2015} A reader"), ["We stayed."]);
    }

    #[test]
    fn guillemet_arrows_are_not_quotes() {
        assert!(texts("\u{00AB} Previous story: rebels take the northern town after a long siege").is_empty());
    }

    #[test]
    fn apostrophes_are_not_quotes() {
        assert!(texts("The rebels’ commander didn’t say. ‘90s.").is_empty());
    }
}
