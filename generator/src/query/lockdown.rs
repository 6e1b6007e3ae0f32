//! Once the table is loaded, the connection only reads: the SQL comes from the command line, a
//! script or a web form, and must not write files (`VACUUM INTO`, `ATTACH`), load code or change
//! what later statements see.
//!
//! Several layers, so that no one SQLite feature we did not think of opens a way around:
//! the authorizer allows reads and nothing else while a statement is prepared; `query_only`
//! and the defensive flag stop writes that get past it; no database can be attached.
//! [`super::statement`] also refuses a statement SQLite does not call read-only (`VACUUM`,
//! which the authorizer never sees).

use rusqlite::config::DbConfig;
use rusqlite::hooks::{AuthAction, AuthContext, Authorization};
use rusqlite::limits::Limit;
use rusqlite::Connection;
use std::sync::{Arc, Mutex, PoisonError};

/// Pragmas that only describe the schema or the build; every other pragma is refused, since
/// many change settings or run work even without `= value` (`optimize`, `shrink_memory`).
const DESCRIBING_PRAGMAS: [&str; 11] = [
    "table_info",
    "table_xinfo",
    "table_list",
    "index_list",
    "index_info",
    "index_xinfo",
    "function_list",
    "pragma_list",
    "module_list",
    "collation_list",
    "compile_options",
];

/// The longest string, blob or row a statement may make.
pub const VALUE_LIMIT: usize = 64 << 20;

/// What SQLite may hold while a statement runs, beyond the table it was loaded with.
pub const HEAP_ABOVE_TABLE: i64 = 512 << 20;

/// What the authorizer refused while the last statement was prepared, as the error's cause:
/// SQLite itself only says "not authorized".
#[derive(Clone, Default)]
pub struct Denied(Arc<Mutex<Option<&'static str>>>);

impl Denied {
    pub fn take(&self) -> Option<&'static str> {
        self.0.lock().unwrap_or_else(PoisonError::into_inner).take()
    }

    fn record(&self, cause: &'static str) {
        self.0
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .get_or_insert(cause);
    }
}

/// Makes `conn` read-only for good; statements prepared afterwards report refusals to the
/// returned [`Denied`].
pub fn apply(conn: &Connection) -> rusqlite::Result<Denied> {
    conn.pragma_update(None, "query_only", true)?;
    conn.set_db_config(DbConfig::SQLITE_DBCONFIG_DEFENSIVE, true)?;
    conn.set_db_config(DbConfig::SQLITE_DBCONFIG_TRUSTED_SCHEMA, false)?;
    conn.set_limit(Limit::SQLITE_LIMIT_ATTACHED, 0)?;
    // One string, blob or row SQLite makes for an answer (`printf('%.*c', 500000000, 'x')`
    // would take 500 MB before the first row is read).
    conn.set_limit(Limit::SQLITE_LIMIT_LENGTH, VALUE_LIMIT as i32)?;
    // A row of many large values (`SELECT printf(…), printf(…), …`) is built whole before it is
    // read: bound what SQLite may hold beyond the loaded table, so that such a statement fails
    // with "out of memory" instead of taking the machine's.
    // SAFETY: plain calls into the bundled SQLite; the limit is process-wide, and this process
    // runs one query.
    unsafe {
        let used = rusqlite::ffi::sqlite3_memory_used();
        rusqlite::ffi::sqlite3_hard_heap_limit64(used.saturating_add(HEAP_ABOVE_TABLE));
    }
    let denied = Denied::default();
    let record = denied.clone();
    conn.authorizer(Some(move |ctx: AuthContext<'_>| {
        match refusal(&ctx.action) {
            None => Authorization::Allow,
            Some(cause) => {
                record.record(cause);
                Authorization::Deny
            }
        }
    }));
    Ok(denied)
}

/// `None` for what a query may do, else why not, as it reads after the quoted statement.
fn refusal(action: &AuthAction<'_>) -> Option<&'static str> {
    use AuthAction as A;
    match action {
        A::Select | A::Read { .. } | A::Recursive => None,
        A::Function { function_name } => function_name
            .eq_ignore_ascii_case("load_extension")
            .then_some("loads an extension"),
        A::Pragma { pragma_name, .. } => (!DESCRIBING_PRAGMAS
            .iter()
            .any(|p| p.eq_ignore_ascii_case(pragma_name)))
        .then_some("sets or runs a pragma"),
        A::Attach { .. } => Some("opens a database file"),
        A::Detach { .. } => Some("detaches a database"),
        // CREATE, DROP and ALTER ask to write the schema table before they ask for themselves.
        A::Insert { table_name } | A::Update { table_name, .. } | A::Delete { table_name } => {
            Some(if table_name.starts_with("sqlite_") {
                "changes the schema"
            } else {
                "changes rows"
            })
        }
        A::Transaction { .. } | A::Savepoint { .. } => Some("controls transactions"),
        A::CreateIndex { .. }
        | A::CreateTable { .. }
        | A::CreateTempIndex { .. }
        | A::CreateTempTable { .. }
        | A::CreateTempTrigger { .. }
        | A::CreateTempView { .. }
        | A::CreateTrigger { .. }
        | A::CreateView { .. }
        | A::CreateVtable { .. }
        | A::DropIndex { .. }
        | A::DropTable { .. }
        | A::DropTempIndex { .. }
        | A::DropTempTable { .. }
        | A::DropTempTrigger { .. }
        | A::DropTempView { .. }
        | A::DropTrigger { .. }
        | A::DropView { .. }
        | A::DropVtable { .. }
        | A::AlterTable { .. }
        | A::Reindex { .. }
        | A::Analyze { .. } => Some("changes the schema"),
        // An action this list does not know (a newer SQLite) is refused until someone looks.
        _ => Some("does more than read"),
    }
}
