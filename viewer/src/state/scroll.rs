//! The windowed list's geometry: every line is [`ROW_H`] tall, so which lines are on screen and
//! where to scroll to show one follow from the scroll offset alone, without measuring any row.

/// Every list line is this tall (px); the CSS gives rows the same height.
pub const ROW_H: f64 = 32.0;
/// Lines rendered above and below the visible ones, so fast scrolling shows no gap.
const OVERSCAN: usize = 8;

/// The lines to render, `start..end`, of `len` lines scrolled to `top` in a list `viewport` tall.
pub fn visible_range(top: f64, viewport: f64, len: usize) -> (usize, usize) {
    let first = (top / ROW_H).floor() as usize;
    let count = (viewport / ROW_H).ceil() as usize + 1;
    let start = first.saturating_sub(OVERSCAN);
    let end = (first + count + OVERSCAN).min(len);
    (start.min(end), end)
}

/// The scroll offset that brings line `n` fully on screen, or `None` if it already is.
pub fn reveal(n: usize, top: f64, viewport: f64) -> Option<f64> {
    let line = n as f64 * ROW_H;
    if line < top {
        Some(line)
    } else if line + ROW_H > top + viewport {
        Some(line + ROW_H - viewport)
    } else {
        None
    }
}
