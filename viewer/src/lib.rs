//! Filled by the viewer issue.
