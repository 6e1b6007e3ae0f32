//! The keyboard, as data: which key, pressed where, and what it does. `/` goes to the search,
//! `j`/`k` and the arrows move the highlighted line and focus (and the open detail with them),
//! Enter and Space open it (focus going to the detail) or fold it, Esc steps back out: the Fix
//! first panel, then the export dialog (focus going back to the button that opened it), then
//! the search, then the detail (focus going back to the highlighted line). While the Fix first
//! panel is open only Esc is the viewer's: the list's keys would move the highlight behind the
//! panel and take focus out of it. In the details or the export dialog, where focus goes when
//! they open, the arrows, Space and Enter scroll them. Keys that type or act where they were
//! pressed are left to the browser.

use super::{reduce, Action, Effect, Outcome, State};
use crate::data::Data;
use scanlens_model::view::Line;

/// The kind of element that had focus when a key was pressed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Target {
    /// Anything that does not take keys itself (the page, the list).
    Page,
    /// An `<input>`: the search box or a row's checkbox.
    Input,
    /// A `<select>` or `<textarea>`, where arrows change the value.
    Field,
    /// A `<button>` or link, which acts on Enter and Space itself.
    Button,
    /// The detail panel or the export dialog itself, which take focus when they open: the
    /// arrows, Space and Enter scroll it as the browser does, rather than act on the list
    /// behind it.
    Panel,
}

impl Target {
    /// From an element's tag name as the DOM gives it (upper case).
    pub fn of_tag(tag: &str) -> Target {
        match tag {
            "INPUT" => Target::Input,
            "SELECT" | "TEXTAREA" => Target::Field,
            "BUTTON" | "A" => Target::Button,
            _ => Target::Page,
        }
    }

    fn takes_text(self) -> bool {
        matches!(self, Target::Input | Target::Field)
    }
}

/// One key press.
#[derive(Debug, Clone, PartialEq)]
pub struct Keystroke {
    /// `KeyboardEvent.key`.
    pub key: String,
    pub target: Target,
    /// Ctrl, Meta or Alt held: a browser or system shortcut, never ours.
    pub modified: bool,
}

fn handled(mut o: Outcome) -> Outcome {
    o.effects.insert(0, Effect::PreventDefault);
    o
}

pub(super) fn reduce_key(s: &mut State, k: Keystroke, data: &Data) -> Outcome {
    if k.modified {
        return Outcome::none();
    }
    let key = k.key.as_str();
    if s.fix_first && key != "Escape" {
        return Outcome::none();
    }
    match key {
        "/" if !k.target.takes_text() => Outcome {
            render: false,
            effects: vec![Effect::PreventDefault, Effect::FocusSearch],
        },
        "Escape" => {
            if s.fix_first {
                reduce(s, Action::CloseFixFirst, data)
            } else if s.export.is_some() {
                reduce(s, Action::CloseExport, data)
            } else if !s.query.q.is_empty() {
                reduce(s, Action::Search(String::new()), data)
            } else if s.detail.is_some() && k.target.takes_text() {
                // Esc in the search box or a select closes the details but leaves focus there.
                s.close_detail()
            } else if s.detail.is_some() {
                reduce(s, Action::Close, data)
            } else {
                Outcome {
                    render: true,
                    effects: vec![Effect::BlurSearch],
                }
            }
        }
        // In the search box the arrows move through the list too; in a select they are its own.
        "ArrowDown" | "ArrowUp" if matches!(k.target, Target::Field | Target::Panel) => {
            Outcome::none()
        }
        "j" | "k" if k.target.takes_text() => Outcome::none(),
        "ArrowDown" | "j" | "ArrowUp" | "k" => {
            if s.lines.is_empty() {
                return Outcome::none();
            }
            let down = key == "ArrowDown" || key == "j";
            let n = match (s.cursor, down) {
                (None, _) => 0,
                (Some(c), true) => (c + 1).min(s.lines.len() - 1),
                (Some(c), false) => c.saturating_sub(1),
            };
            s.cursor = Some(n);
            let mut out = Outcome::render();
            out.effects.extend(s.reveal(n));
            out.effects.push(Effect::FocusCursor);
            if let Line::Item { i, .. } = s.lines[n] {
                // Following the cursor with the detail view makes j/k a quick review, so focus
                // stays on the line (an explicit open would take it to the panel).
                if s.detail.is_some() {
                    out.effects.extend(s.open_detail(i, data).effects);
                }
            }
            handled(out)
        }
        "Enter" | " " if k.target == Target::Page => {
            let action = match s.cursor.and_then(|c| s.lines.get(c)) {
                Some(Line::Item { i, .. }) => Action::Open(*i),
                Some(Line::Header(g)) => Action::ToggleGroup(s.groups[*g as usize].key.clone()),
                None => return Outcome::none(),
            };
            handled(reduce(s, action, data))
        }
        _ => Outcome::none(),
    }
}
