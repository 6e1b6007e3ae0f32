//! The findings table's rows as Parquet (`publish --table-format parquet`, read back by
//! `scanlens query`): the rows of `findings.ndjson` in columns, typed from the one declaration of
//! the row ([`scanlens_model::flat`]): text as UTF8 strings, scores as DOUBLE, flags as BOOLEAN,
//! optional exactly where the NDJSON value can be null. Written with the parquet crate's
//! low-level writer (no Arrow: a small binary), ZSTD-compressed, one row group per scan.

use anyhow::{bail, Context};
use parquet::basic::{Compression, LogicalType, Repetition, Type as Physical, ZstdLevel};
use parquet::data_type::{BoolType, ByteArray, ByteArrayType, DoubleType};
use parquet::file::properties::{EnabledStatistics, WriterProperties};
use parquet::file::reader::{FileReader, SerializedFileReader};
use parquet::file::writer::SerializedFileWriter;
use parquet::record::Field;
use parquet::schema::types::Type;
use scanlens_model::flat::{Cell, ColumnType, FlatFinding, COLUMNS, NULLABLE};
use serde_json::Value;
use std::path::Path;
use std::sync::Arc;

/// The schema's root name.
const MESSAGE: &str = "findings";
/// zstd's default level: near gzip -9's size, far faster; the table is written once per scan.
const ZSTD_LEVEL: i32 = 3;
/// The largest file `read` opens: far above any scan's rows, far below what would exhaust memory.
const READ_LIMIT: u64 = 2 << 30;

/// The Parquet schema of the findings row, column for column from [`COLUMNS`] and [`NULLABLE`].
pub fn schema() -> anyhow::Result<Type> {
    let fields = COLUMNS
        .iter()
        .zip(NULLABLE)
        .map(|(&(name, ty), &nullable)| {
            let (physical, logical) = match ty {
                ColumnType::Text => (Physical::BYTE_ARRAY, Some(LogicalType::String)),
                ColumnType::Real => (Physical::DOUBLE, None),
                ColumnType::Boolean => (Physical::BOOLEAN, None),
            };
            let repetition = if nullable {
                Repetition::OPTIONAL
            } else {
                Repetition::REQUIRED
            };
            Ok(Arc::new(
                Type::primitive_type_builder(name, physical)
                    .with_repetition(repetition)
                    .with_logical_type(logical)
                    .build()?,
            ))
        })
        .collect::<parquet::errors::Result<Vec<_>>>()?;
    Ok(Type::group_type_builder(MESSAGE)
        .with_fields(fields)
        .build()?)
}

/// The rows as one Parquet file.
pub fn write(rows: &[FlatFinding]) -> anyhow::Result<Vec<u8>> {
    // One small row group per scan: min/max per column chunk let an engine skip a whole file
    // (`WHERE id = …`); page indexes would only repeat them, so they are left out.
    let props = WriterProperties::builder()
        .set_compression(Compression::ZSTD(ZstdLevel::try_new(ZSTD_LEVEL)?))
        .set_statistics_enabled(EnabledStatistics::Chunk)
        .set_offset_index_disabled(true)
        .set_created_by(crate::GENERATOR.to_string())
        .build();
    let mut out = Vec::new();
    let mut writer = SerializedFileWriter::new(&mut out, Arc::new(schema()?), Arc::new(props))
        .context("cannot start the Parquet file")?;
    // A scan without findings is a file with the schema and no row group.
    if !rows.is_empty() {
        let cells: Vec<Vec<Cell<'_>>> = rows.iter().map(FlatFinding::cells).collect();
        let mut group = writer.next_row_group()?;
        let mut i = 0;
        while let Some(mut column) = group.next_column()? {
            let (name, ty) = COLUMNS[i];
            // Definition levels: 1 where a value is present, 0 for null; required columns
            // have none.
            let mut levels: Vec<i16> = Vec::with_capacity(cells.len());
            let nullable = NULLABLE[i];
            match ty {
                ColumnType::Text => {
                    let mut values = Vec::with_capacity(cells.len());
                    for row in &cells {
                        let Cell::Text(v) = row[i] else {
                            bail!("column {name} holds a value that is not text");
                        };
                        levels.push(i16::from(v.is_some()));
                        values.extend(v.map(|s| ByteArray::from(s.as_bytes().to_vec())));
                    }
                    column.typed::<ByteArrayType>().write_batch(
                        &values,
                        nullable.then_some(&levels[..]),
                        None,
                    )?;
                }
                ColumnType::Real => {
                    let mut values = Vec::with_capacity(cells.len());
                    for row in &cells {
                        let Cell::Real(v) = row[i] else {
                            bail!("column {name} holds a value that is not a number");
                        };
                        levels.push(i16::from(v.is_some()));
                        values.extend(v);
                    }
                    column.typed::<DoubleType>().write_batch(
                        &values,
                        nullable.then_some(&levels[..]),
                        None,
                    )?;
                }
                ColumnType::Boolean => {
                    let mut values = Vec::with_capacity(cells.len());
                    for row in &cells {
                        let Cell::Boolean(v) = row[i] else {
                            bail!("column {name} holds a value that is not a boolean");
                        };
                        levels.push(1);
                        values.push(v);
                    }
                    column.typed::<BoolType>().write_batch(
                        &values,
                        nullable.then_some(&levels[..]),
                        None,
                    )?;
                }
            }
            column.close()?;
            i += 1;
        }
        group.close()?;
    }
    writer.close().context("cannot finish the Parquet file")?;
    Ok(out)
}

/// The rows of a Parquet file of the findings table. Columns are matched by name, as
/// `findings.ndjson`'s keys are: a column the file lacks reads as null (false for `kev`), one the
/// row does not know is ignored.
pub fn read(path: &Path) -> anyhow::Result<Vec<FlatFinding>> {
    let file =
        std::fs::File::open(path).with_context(|| format!("cannot read {}", path.display()))?;
    let len = file
        .metadata()
        .with_context(|| format!("cannot read {}", path.display()))?
        .len();
    if len > READ_LIMIT {
        bail!(
            "{} is larger than {} GiB, more than one scan's findings; remove it from the folder",
            path.display(),
            READ_LIMIT >> 30
        );
    }
    // The file is untrusted: the parquet crate asserts on some malformed files, and such a
    // panic is this file's one-line error, not a crash with a backtrace. The hook is silenced
    // only while `scanlens query` reads (one file at a time, on one thread).
    let hook = std::panic::take_hook();
    std::panic::set_hook(Box::new(|_| {}));
    let result = std::panic::catch_unwind(|| rows(file));
    std::panic::set_hook(hook);
    result
        .unwrap_or_else(|panic| {
            let why = panic
                .downcast_ref::<&str>()
                .map(|s| s.to_string())
                .or_else(|| panic.downcast_ref::<String>().cloned())
                .unwrap_or_default();
            Err(anyhow::anyhow!("the Parquet reader failed: {why}"))
        })
        .with_context(|| {
            format!(
                "{} is not a findings table file that scanlens publish writes",
                path.display()
            )
        })
}

fn rows(file: std::fs::File) -> anyhow::Result<Vec<FlatFinding>> {
    let reader = SerializedFileReader::new(file)?;
    let mut out = Vec::new();
    for row in reader.get_row_iter(None)? {
        let row = row?;
        let mut object = serde_json::Map::new();
        for (name, field) in row.get_column_iter() {
            let value = match field {
                Field::Null => Value::Null,
                Field::Bool(b) => Value::Bool(*b),
                Field::Str(s) => Value::String(s.clone()),
                Field::Double(d) => match serde_json::Number::from_f64(*d) {
                    Some(n) => Value::Number(n),
                    None => bail!("row {}: column {name} is not a finite number", out.len()),
                },
                Field::Long(n) => Value::Number((*n).into()),
                Field::Int(n) => Value::Number((*n).into()),
                _ => bail!(
                    "row {}: column {name} is not text, a number or a boolean",
                    out.len()
                ),
            };
            object.insert(name.clone(), value);
        }
        let row = serde_json::from_value(Value::Object(object))
            .with_context(|| format!("row {} is not a findings row", out.len()))?;
        out.push(row);
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use parquet::basic::ConvertedType;

    /// Every column of the row declaration, in its order, with the Parquet type its SQL type and
    /// nullability call for: adding a field to `flat_row!` adds it here with no edit.
    #[test]
    fn the_schema_is_the_row_declaration() {
        let schema = schema().unwrap();
        let fields = schema.get_fields();
        assert_eq!(fields.len(), COLUMNS.len());
        assert!(!COLUMNS.is_empty());
        // The declaration has each kind of column, so each arm below is checked.
        for want in [ColumnType::Text, ColumnType::Real, ColumnType::Boolean] {
            assert!(COLUMNS.iter().any(|(_, t)| *t == want), "{want:?}");
        }
        assert!(NULLABLE.iter().any(|n| *n) && NULLABLE.iter().any(|n| !*n));
        for ((field, &(name, ty)), &nullable) in fields.iter().zip(COLUMNS).zip(NULLABLE) {
            assert_eq!(field.name(), name);
            let info = field.get_basic_info();
            let repetition = if nullable {
                Repetition::OPTIONAL
            } else {
                Repetition::REQUIRED
            };
            assert_eq!(info.repetition(), repetition, "{name}");
            let (physical, converted) = match ty {
                ColumnType::Text => (Physical::BYTE_ARRAY, ConvertedType::UTF8),
                ColumnType::Real => (Physical::DOUBLE, ConvertedType::NONE),
                ColumnType::Boolean => (Physical::BOOLEAN, ConvertedType::NONE),
            };
            assert_eq!(field.get_physical_type(), physical, "{name}");
            assert_eq!(info.converted_type(), converted, "{name}");
            if ty == ColumnType::Text {
                assert_eq!(
                    info.logical_type_ref(),
                    Some(&LogicalType::String),
                    "{name}"
                );
            }
        }
        // The schema a file carries is this one.
        let file = tempfile::NamedTempFile::new().unwrap();
        std::fs::write(file.path(), write(&[FlatFinding::default()]).unwrap()).unwrap();
        let reader = SerializedFileReader::new(std::fs::File::open(file.path()).unwrap()).unwrap();
        let written = reader.metadata().file_metadata().schema();
        assert_eq!(written.get_fields(), schema.get_fields());
    }

    /// The README's Athena tables (NDJSON and Parquet) declare the row's columns with their
    /// types, so adding a field to `flat_row!` fails here until the DDL has it too.
    #[test]
    fn the_readme_athena_tables_have_the_row_columns() {
        let readme =
            std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../README.md")).unwrap();
        let want: Vec<String> = COLUMNS
            .iter()
            .map(|&(name, ty)| {
                let ty = match ty {
                    ColumnType::Text => "string",
                    ColumnType::Real => "double",
                    ColumnType::Boolean => "boolean",
                };
                format!("{name} {ty}")
            })
            .collect();
        let tables: Vec<&str> = readme.split("CREATE EXTERNAL TABLE ").skip(1).collect();
        assert_eq!(tables.len(), 2, "the NDJSON and the Parquet table");
        for table in tables {
            let body = table
                .split_once("(\n")
                .and_then(|(_, b)| b.split_once("\n)"))
                .map(|(b, _)| b)
                .unwrap();
            let got: Vec<String> = body.split(',').map(|c| c.trim().to_string()).collect();
            assert_eq!(got, want, "{}", table.lines().next().unwrap_or(""));
        }
    }

    fn row(n: usize) -> FlatFinding {
        // `is_multiple_of` would need Rust 1.87; the workspace promises 1.85.
        let every = |k: usize| n.checked_rem(k) == Some(0);
        FlatFinding {
            image: format!("ghcr.io/org/app:{n}"),
            commit_sha: every(2).then(|| "abc".to_string()),
            kind: "vulnerability".into(),
            id: format!("CVE-2024-{n}"),
            severity: "HIGH".into(),
            package: Some("openssl".into()),
            title: Some("ünïcode \"quoted\"\n".into()),
            target: "debian 12".into(),
            cvss: (!every(3)).then_some(7.5 + n as f64),
            epss: (n % 4 == 1).then_some(0.125),
            suppressed: !every(2),
            excluded: every(5),
            kev: every(3),
            ..Default::default()
        }
    }

    #[test]
    fn rows_read_back_as_written() {
        let rows: Vec<FlatFinding> = (0..50).map(row).collect();
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("scan.parquet");
        std::fs::write(&path, write(&rows).unwrap()).unwrap();
        assert_eq!(read(&path).unwrap(), rows);
        std::fs::write(&path, write(&[]).unwrap()).unwrap();
        assert_eq!(read(&path).unwrap(), Vec::<FlatFinding>::new());
    }

    #[test]
    fn a_file_that_is_not_the_table_is_one_error() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("scan.parquet");
        let good = write(&(0..5).map(row).collect::<Vec<_>>()).unwrap();
        for bad in [
            b"not parquet".to_vec(),
            good[..good.len() / 2].to_vec(),
            good[good.len() / 2..].to_vec(),
        ] {
            std::fs::write(&path, bad).unwrap();
            let e = read(&path).unwrap_err();
            assert!(
                format!("{e:#}").contains("is not a findings table file"),
                "{e:#}"
            );
        }
    }
}
