//! The statement's first keyword, which says what kind of statement it is. SQLite has no API for
//! that, and `VACUUM` reaches neither the authorizer nor, when there is nothing to rebuild, a
//! write SQLite would flag, so the kind is checked as well.

/// The statements that read; each other kind is refused by its keyword.
const READING: [&str; 5] = ["SELECT", "WITH", "VALUES", "EXPLAIN", "PRAGMA"];

/// `None` when `sql` starts with a statement that reads, else why it is refused.
pub fn refusal(sql: &str) -> Option<&'static str> {
    let first = first_keyword(sql);
    if READING.iter().any(|k| k.eq_ignore_ascii_case(first)) {
        return None;
    }
    Some(if first.eq_ignore_ascii_case("VACUUM") {
        let into = sql
            .split_whitespace()
            .any(|w| w.eq_ignore_ascii_case("INTO"));
        if into {
            "writes files"
        } else {
            "rewrites the database"
        }
    } else if first.eq_ignore_ascii_case("REINDEX") {
        "rebuilds indexes"
    } else {
        "does more than read"
    })
}

/// The first word of `sql` after whitespace, comments and empty statements.
fn first_keyword(mut sql: &str) -> &str {
    loop {
        sql = sql.trim_start_matches(|c: char| c.is_whitespace() || c == ';');
        if let Some(rest) = sql.strip_prefix("--") {
            sql = rest.split_once('\n').map_or("", |(_, after)| after);
        } else if let Some(rest) = sql.strip_prefix("/*") {
            sql = rest.split_once("*/").map_or("", |(_, after)| after);
        } else {
            break;
        }
    }
    let end = sql
        .find(|c: char| !c.is_ascii_alphabetic())
        .unwrap_or(sql.len());
    &sql[..end]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_are_told_from_the_rest_past_comments() {
        for sql in [
            "select 1",
            "  /* why */ WITH x AS (SELECT 1) SELECT * FROM x",
            "-- note\nVALUES (1)",
            ";; EXPLAIN QUERY PLAN SELECT 1",
            "pragma table_info(findings)",
        ] {
            assert_eq!(refusal(sql), None, "{sql}");
        }
        assert_eq!(refusal("/* x */ vacuum into 'f'"), Some("writes files"));
        assert_eq!(refusal("VACUUM"), Some("rewrites the database"));
        assert_eq!(refusal("REINDEX"), Some("rebuilds indexes"));
        assert_eq!(refusal("-- only a comment"), Some("does more than read"));
        assert_eq!(refusal("/* unterminated"), Some("does more than read"));
    }
}
