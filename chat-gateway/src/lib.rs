//! The ChatKit gateway (built in a later issue).
