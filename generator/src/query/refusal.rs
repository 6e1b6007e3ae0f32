//! Why a query was not answered, in words that name the statement and what to do instead.

use super::load::COLUMNS;
use std::time::Duration;

/// How much of a statement an error quotes.
const SHOWN_CHARS: usize = 80;

#[derive(Debug, thiserror::Error)]
pub enum QueryError {
    /// The statement would change the database or reach the filesystem.
    #[error("query refused: `{sql}` {cause}; scanlens query only reads (use SELECT)")]
    Refused { sql: String, cause: &'static str },
    /// Only one statement runs; a second one is neither run nor dropped without a word.
    #[error(
        "query refused: `{sql}` holds more than one statement; scanlens query runs one \
         (remove what follows the first `;`)"
    )]
    Several { sql: String },
    #[error(
        "query refused: `{sql}` holds no statement; pass one SELECT over the table `findings`"
    )]
    Empty { sql: String },
    #[error("query stopped after {after:?}: `{sql}`; raise --timeout or narrow the query")]
    TimedOut { sql: String, after: Duration },
    /// The answer, or one value in it, is more than a query may hold in memory.
    #[error(
        "query stopped: `{sql}` {what} more than {} MiB; add LIMIT, select fewer columns, or \
         aggregate",
        limit >> 20
    )]
    TooLarge {
        sql: String,
        /// `answers with` (all its rows) or `makes a value of` (one string or blob).
        what: &'static str,
        limit: usize,
    },
    #[error(
        "sql error in `{sql}`: {detail}; query the table `findings` (columns: {})",
        COLUMNS.iter().map(|(c, _)| *c).collect::<Vec<_>>().join(", ")
    )]
    Invalid { sql: String, detail: String },
}

/// `sql` as an error quotes it; see [`one_line`].
pub fn shown(sql: &str) -> String {
    one_line(sql, SHOWN_CHARS)
}

/// `text` fit for one line of a terminal: whitespace runs as one space, control and bidi
/// characters escaped (the SQL may come from anywhere), at most `max` characters.
pub fn one_line(text: &str, max: usize) -> String {
    let mut out = String::new();
    let mut chars = 0;
    for word in text.split_whitespace() {
        if chars > 0 {
            out.push(' ');
            chars += 1;
        }
        for c in word.chars() {
            if chars >= max {
                out.push('…');
                return out;
            }
            if c.is_control() || is_bidi(c) {
                out.extend(c.escape_unicode());
            } else {
                out.push(c);
            }
            chars += 1;
        }
    }
    out
}

/// Characters that reorder what a terminal shows, so that a quoted statement could read as
/// another one.
fn is_bidi(c: char) -> bool {
    matches!(c, '\u{200e}' | '\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_line_escaped_and_clipped() {
        assert_eq!(shown("  SELECT 1\n\t FROM  t \n"), "SELECT 1 FROM t");
        assert_eq!(
            shown("SELECT '\x1b[2J\u{202e}'"),
            "SELECT '\\u{1b}[2J\\u{202e}'"
        );
        let long = format!("SELECT {}", "x".repeat(200));
        let s = shown(&long);
        assert_eq!(s.chars().count(), SHOWN_CHARS + 1);
        assert!(s.ends_with('…'));
        assert_eq!(shown(&"é".repeat(SHOWN_CHARS)), "é".repeat(SHOWN_CHARS));
    }
}
