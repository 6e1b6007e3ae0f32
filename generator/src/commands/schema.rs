//! `scanlens schema`: the JSON Schema of `report.json`, generated from the model's types (the
//! committed `schema/report.schema.json` is this output; a test keeps the two in step).

use std::io::Write;

pub fn run() -> anyhow::Result<u8> {
    let mut out = std::io::stdout().lock();
    out.write_all(report_schema().as_bytes())?;
    Ok(crate::exit::OK)
}

/// The JSON Schema of `report.json`, generated from the model's types.
pub fn report_schema() -> String {
    let schema = schemars::schema_for!(scanlens_model::Report);
    let mut s = serde_json::to_string_pretty(&schema).expect("schema serializes");
    s.push('\n');
    s
}
