//! Printing results as text or JSON.
//!
//! Everything meant for stdout goes through [`out!`] / [`outln!`] (or [`json`]): when the
//! reader goes away (`throughline items | head`), the program ends quietly, as Unix
//! tools do, instead of panicking the way `println!` does on a closed pipe.

use std::io::Write;

use serde::Serialize;

/// Like `print!`, ending the program quietly if stdout is closed.
macro_rules! out {
    ($($arg:tt)*) => { $crate::output::write(format_args!($($arg)*), false) };
}

/// Like `println!`, ending the program quietly if stdout is closed.
macro_rules! outln {
    () => { $crate::output::write(format_args!(""), true) };
    ($($arg:tt)*) => { $crate::output::write(format_args!($($arg)*), true) };
}

/// Writes to stdout. A closed pipe ends the program with success (the reader has what
/// it wanted); any other write error ends it with a message.
pub fn write(args: std::fmt::Arguments<'_>, newline: bool) {
    let mut stdout = std::io::stdout().lock();
    let result = stdout.write_fmt(args).and_then(|()| {
        if newline {
            stdout.write_all(b"\n")
        } else {
            Ok(())
        }
    });
    if let Err(e) = result {
        if e.kind() == std::io::ErrorKind::BrokenPipe {
            std::process::exit(0);
        }
        eprintln!("error: writing the output: {e}");
        std::process::exit(1);
    }
}

/// Prints `value` as pretty JSON on stdout.
pub fn json<T: Serialize + ?Sized>(value: &T) -> anyhow::Result<()> {
    let text = serde_json::to_string_pretty(value)?;
    outln!("{text}");
    Ok(())
}

/// Free text as a spreadsheet will not run it: a cell starting with `=`, `+`, `-` or
/// `@` is a formula to Excel and LibreOffice, and tracker titles are written by anyone
/// (OWASP's "CSV injection"). A leading `'` keeps it text.
pub fn inert(s: &str) -> std::borrow::Cow<'_, str> {
    if s.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{s}").into()
    } else {
        s.into()
    }
}

#[cfg(test)]
mod tests {
    use super::inert;

    #[test]
    fn cells_a_spreadsheet_would_run_stay_text() {
        assert_eq!(inert("=HYPERLINK(\"x\")"), "'=HYPERLINK(\"x\")");
        assert_eq!(inert("+1 for this"), "'+1 for this");
        assert_eq!(inert("@here ping"), "'@here ping");
        assert_eq!(inert("- fix typo"), "'- fix typo");
        assert_eq!(inert("Fix = in parser"), "Fix = in parser");
        assert_eq!(inert(""), "");
    }
}
