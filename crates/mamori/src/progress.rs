//! Progress of long work: a bar on a terminal, plain log lines otherwise.

use std::io::IsTerminal;
use std::sync::Mutex;

use indicatif::{ProgressBar, ProgressStyle};

pub struct Progress {
    bar: Option<ProgressBar>,
    last: Mutex<(String, u64)>,
}

impl Progress {
    pub fn new(label: &str) -> Self {
        let bar = std::io::stderr().is_terminal().then(|| {
            let b = ProgressBar::new(0);
            if let Ok(style) =
                ProgressStyle::with_template("{prefix} {msg:>12} [{bar:30}] {pos}/{len}")
            {
                b.set_style(style.progress_chars("=> "));
            }
            b.set_prefix(label.to_string());
            b
        });
        Progress {
            bar,
            last: Mutex::new((String::new(), 0)),
        }
    }

    pub fn step(&self, what: &str, done: u64, total: u64) {
        match &self.bar {
            Some(b) => {
                b.set_message(what.to_string());
                b.set_length(total);
                b.set_position(done);
            }
            None => {
                // A log line when the stage changes, when it ends, and every tenth of the way.
                let Ok(mut last) = self.last.lock() else {
                    return;
                };
                let tenth = (total / 10).max(1);
                if last.0 != what || done == total || done / tenth != last.1 / tenth {
                    tracing::info!(stage = what, done, total, "progress");
                    *last = (what.to_string(), done);
                }
            }
        }
    }

    pub fn finish(&self) {
        if let Some(b) = &self.bar {
            b.finish_and_clear();
        }
    }
}
