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
