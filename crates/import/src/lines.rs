//! Line numbers as whoever opens the file sees them. The `csv` crate reads
//! `\n`, `\r\n` and a lone `\r` as row ends but counts lines only at `\n`,
//! so in a file with old Mac line ends (Excel for Mac's "CSV (Macintosh)"
//! writes `\r` alone) every row would be "line 1". The input is read through
//! `CountingLines`, which notes where each line starts; a row's line is then
//! found from the byte offset the `csv` crate gives for it.

use std::cell::RefCell;
use std::io::Read;
use std::rc::Rc;

/// Where each line's content starts, as far as the input has been read.
pub(crate) struct LineStarts {
    /// The offset of the first byte of every line that has one besides
    /// its line end, with that line's number, ascending.
    content: Vec<(u64, u64)>,
    /// Bytes read so far.
    read: u64,
    /// The line being read, from 1.
    line: u64,
    /// Whether the current line has shown a byte that is not a line end.
    seen_content: bool,
    /// The last byte read was `\r`: if a `\n` follows, it ends the same line.
    after_cr: bool,
}

impl LineStarts {
    fn new() -> Self {
        LineStarts {
            content: Vec::new(),
            read: 0,
            line: 1,
            seen_content: false,
            after_cr: false,
        }
    }

    fn note(&mut self, bytes: &[u8]) {
        for &b in bytes {
            match b {
                // `\r\n`: one line end.
                b'\n' if self.after_cr => {}
                b'\n' | b'\r' => {
                    self.line += 1;
                    self.seen_content = false;
                }
                _ if !self.seen_content => {
                    self.content.push((self.read, self.line));
                    self.seen_content = true;
                }
                _ => {}
            }
            self.after_cr = b == b'\r';
            self.read += 1;
        }
    }

    /// The line (from 1) of the row the `csv` crate says starts at
    /// `offset`. That offset may be the line end before the row (the crate
    /// consumes a row's terminator as it starts the next), and blank lines
    /// are skipped as no row: the row is on the first line with content at
    /// or after `offset`.
    pub(crate) fn line_of(&self, offset: u64) -> u64 {
        let at = self.content.partition_point(|&(start, _)| start < offset);
        self.content.get(at).map_or(self.line, |&(_, line)| line)
    }
}

/// `inner`, noting line starts into a `LineStarts` shared with the parser.
pub(crate) struct CountingLines<R> {
    inner: R,
    starts: Rc<RefCell<LineStarts>>,
}

impl<R: Read> CountingLines<R> {
    pub(crate) fn new(inner: R) -> (Self, Rc<RefCell<LineStarts>>) {
        let starts = Rc::new(RefCell::new(LineStarts::new()));
        let reader = CountingLines {
            inner,
            starts: Rc::clone(&starts),
        };
        (reader, starts)
    }
}

impl<R: Read> Read for CountingLines<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        // A reader that says it read more than `buf` holds breaks `Read`'s
        // contract; the csv crate would fail on it, so note what fits.
        self.starts.borrow_mut().note(buf.get(..n).unwrap_or(buf));
        Ok(n)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lines_of(text: &[u8], offsets: &[u64]) -> Vec<u64> {
        let mut starts = LineStarts::new();
        // In two pieces, split between a `\r` and its `\n` where there is one.
        let (a, b) = text.split_at(text.len() / 2);
        starts.note(a);
        starts.note(b);
        offsets.iter().map(|&o| starts.line_of(o)).collect()
    }

    #[test]
    fn every_line_end_a_csv_reader_accepts_counts_once() {
        assert_eq!(lines_of(b"ab\ncd\nef", &[0, 3, 6]), [1, 2, 3]);
        assert_eq!(lines_of(b"ab\r\ncd\r\nef", &[0, 4, 8]), [1, 2, 3]);
        assert_eq!(lines_of(b"ab\rcd\ref", &[0, 3, 6]), [1, 2, 3]);
        // A blank line between two `\r`s is a line of its own.
        assert_eq!(lines_of(b"a\r\rb", &[0, 3]), [1, 3]);
    }

    #[test]
    fn a_row_given_by_the_line_end_before_it_is_on_the_next_line_with_content() {
        // The offset of the `\n` ending line 1, and of the `\r` ending a
        // blank line 2.
        assert_eq!(lines_of(b"ab\ncd", &[2]), [2]);
        assert_eq!(lines_of(b"ab\r\n\r\ncd", &[2, 4]), [3, 3]);
    }
}
