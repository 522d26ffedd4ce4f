//! Tables and CSV as the CLI writes them: laid out by `comfy-table` and written by `csv`, with
//! every CSV cell guarded against spreadsheet formula injection.

use std::borrow::Cow;

use comfy_table::{presets, CellAlignment, ColumnConstraint, ContentArrangement, Table};

/// A plain text table (no borders, two spaces between columns); columns listed in `right` are
/// aligned right (counts).
pub fn table(headers: &[&str], rows: &[Vec<String>], right: &[usize]) -> String {
    let mut table = Table::new();
    table
        .load_preset(presets::NOTHING)
        .set_content_arrangement(ContentArrangement::Disabled)
        .set_header(headers.iter().copied());
    for row in rows {
        table.add_row(row);
    }
    for (i, column) in table.column_iter_mut().enumerate() {
        column.set_padding((0, 2));
        column.set_constraint(ColumnConstraint::ContentWidth);
        if right.contains(&i) {
            column.set_cell_alignment(CellAlignment::Right);
        }
    }
    // (each line ends with the last column's padding: trimmed)
    let mut text: String = table
        .lines()
        .map(|line| line.trim_end().to_string() + "\n")
        .collect();
    if rows.is_empty() {
        text = text
            .lines()
            .next()
            .map_or_else(String::new, |h| h.to_string() + "\n");
    }
    text
}

/// A cell a spreadsheet would read as a formula (`=`, `+`, `-`, `@`, or a tab or carriage return
/// first: OWASP's "CSV injection") is written with a leading `'`, which spreadsheets show as text.
/// Tags and names come from whoever created the resource.
pub fn safe_cell(value: &str) -> Cow<'_, str> {
    // (also after leading blanks, and in their full-width forms, which spreadsheets accept too)
    let first = value.trim_start_matches([' ', '\n']).chars().next();
    if first.is_some_and(|c| "=+-@\t\r＝＋－＠".contains(c)) {
        Cow::Owned(format!("'{value}"))
    } else {
        Cow::Borrowed(value)
    }
}

/// CSV with a header row; every cell guarded ([`safe_cell`]) and quoted where needed.
pub fn csv(headers: &[&str], rows: &[Vec<String>]) -> Result<String, String> {
    let mut writer = csv::Writer::from_writer(Vec::new());
    writer.write_record(headers).map_err(|e| e.to_string())?;
    for row in rows {
        writer
            .write_record(row.iter().map(|v| safe_cell(v).into_owned()))
            .map_err(|e| e.to_string())?;
    }
    let bytes = writer.into_inner().map_err(|e| e.to_string())?;
    String::from_utf8(bytes).map_err(|e| e.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formula_cells_are_written_as_text_and_fields_quoted_when_needed() -> Result<(), String> {
        let rows = vec![vec![
            "=HYPERLINK(\"http://x\")".to_string(),
            "+1".into(),
            "-2".into(),
            "@SUM(A1)".into(),
            "a, b".into(),
            "say \"hi\"".into(),
            "plain".into(),
            " =1+1".into(),
            "＝1+1".into(),
        ]];
        let text = csv(&["a", "b", "c", "d", "e", "f", "g", "h", "i"], &rows)?;
        assert_eq!(
            text,
            "a,b,c,d,e,f,g,h,i\n\"'=HYPERLINK(\"\"http://x\"\")\",'+1,'-2,'@SUM(A1),\"a, b\",\"say \"\"hi\"\"\",plain,' =1+1,'＝1+1\n"
        );
        Ok(())
    }

    #[test]
    fn tables_align_columns_and_counts() {
        let rows = vec![
            vec!["vpc-attached".to_string(), "3".to_string()],
            vec!["output-kms".to_string(), "12".to_string()],
        ];
        assert_eq!(
            table(&["CONTROL", "FAIL"], &rows, &[1]),
            "CONTROL       FAIL\nvpc-attached     3\noutput-kms      12\n"
        );
    }
}
