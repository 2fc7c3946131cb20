//! The header and the rows, read once into owned UTF-8 cells, with the
//! line each row starts on, so every refusal can say where it is.

use crate::Format;
use crate::error::{ImportError, Reason, Rejected};
use std::collections::HashMap;

pub(crate) struct Header {
    format: Format,
    columns: HashMap<String, usize>,
    len: usize,
    /// The file came out of `truce export`: it has the `truce_*` columns.
    pub(crate) truce: bool,
}

impl Header {
    pub(crate) fn read<R: std::io::Read>(
        format: Format,
        reader: &mut csv::Reader<R>,
    ) -> Result<Header, ImportError> {
        let names = reader.byte_headers().map_err(|e| ImportError::Read {
            line: 1,
            message: e.to_string(),
        })?;
        if names.is_empty() || names.iter().all(<[u8]>::is_empty) {
            return Err(ImportError::NoHeader);
        }
        let mut columns = HashMap::new();
        for (i, name) in names.iter().enumerate() {
            let name = String::from_utf8_lossy(name);
            // A spreadsheet's UTF-8 byte order mark sticks to the first name.
            let name = name.trim_start_matches('\u{feff}').trim().to_owned();
            if columns.insert(name.clone(), i).is_some() {
                return Err(ImportError::RepeatedColumn(name));
            }
        }
        for column in format.required_columns() {
            if !columns.contains_key(*column) {
                return Err(ImportError::MissingColumn {
                    format: format.name(),
                    column,
                });
            }
        }
        let truce = columns.contains_key("truce_index") && columns.contains_key("truce_leaf_hash");
        Ok(Header {
            format,
            len: names.len(),
            columns,
            truce,
        })
    }

    /// The column that holds the dataset's event id.
    pub(crate) fn id_column(&self) -> &'static str {
        match self.format {
            Format::Acled => "event_id_cnty",
            Format::Ucdp => "id",
        }
    }
}

pub(crate) struct Row {
    pub(crate) line: u64,
    cells: Vec<String>,
}

impl Row {
    /// The row `record`, which starts on `line` of the file.
    pub(crate) fn new(
        header: &Header,
        record: &csv::ByteRecord,
        line: u64,
    ) -> Result<Row, Rejected> {
        if record.len() != header.len {
            return Err(Rejected {
                line,
                column: None,
                reason: Reason::FieldCount {
                    found: record.len(),
                    expected: header.len,
                },
            });
        }
        let mut cells = Vec::with_capacity(record.len());
        for (i, field) in record.iter().enumerate() {
            match std::str::from_utf8(field) {
                Ok(text) => cells.push(text.trim().to_owned()),
                Err(_) => {
                    let column = header
                        .columns
                        .iter()
                        .find(|(_, at)| **at == i)
                        .map(|(name, _)| name.clone());
                    return Err(Rejected {
                        line,
                        column,
                        reason: Reason::NotUtf8,
                    });
                }
            }
        }
        Ok(Row { line, cells })
    }

    /// The cell of `column`, trimmed; empty when the file has no such column.
    pub(crate) fn get(&self, header: &Header, column: &str) -> &str {
        header
            .columns
            .get(column)
            .and_then(|i| self.cells.get(*i))
            .map_or("", String::as_str)
    }

    /// Which event the row belongs to: a Truce export's report (its leaf
    /// hash), else the dataset's own event id.
    pub(crate) fn key<'a>(&'a self, header: &Header) -> &'a str {
        match self.get(header, "truce_leaf_hash") {
            "" => self.get(header, header.id_column()),
            hash => hash,
        }
    }

    /// A refusal of this row's `column`.
    pub(crate) fn refuse(&self, column: &str, reason: impl Into<Reason>) -> Rejected {
        Rejected {
            line: self.line,
            column: Some(column.to_owned()),
            reason: reason.into(),
        }
    }

    /// The cell, or a refusal if it is empty.
    pub(crate) fn required<'a>(
        &'a self,
        header: &Header,
        column: &str,
    ) -> Result<&'a str, Rejected> {
        match self.get(header, column) {
            "" => Err(self.refuse(column, Reason::Missing)),
            value => Ok(value),
        }
    }

    /// A cell field: its value with `header`, and refusals naming it.
    pub(crate) fn cell<'a>(&'a self, header: &'a Header, column: &'static str) -> Cell<'a> {
        Cell {
            row: self,
            column,
            value: self.get(header, column),
        }
    }
}

/// One cell with where it is, so parsing it can refuse it precisely.
pub(crate) struct Cell<'a> {
    row: &'a Row,
    pub(crate) column: &'static str,
    pub(crate) value: &'a str,
}

impl Cell<'_> {
    pub(crate) fn refuse(&self, reason: impl Into<Reason>) -> Rejected {
        self.row.refuse(self.column, reason)
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.value.is_empty()
    }
}
