//! sitrep's core types: the [`Document`] every stage reads and adds one layer to, the event model
//! (ACLED's types and actor kinds), the contract output, and the span invariant every stage's
//! tests check.
//!
//! This crate depends on nothing but serde and jiff so that every stage can depend on it and
//! build in seconds.

pub mod check;
pub mod contract;
pub mod document;
pub mod event;
pub mod fingerprint;
pub mod numbers;
pub mod span;
pub mod testdata;

pub use document::{
    Attribution, DatePrecision, DateRange, Dateline, Document, Entity, EntityKind, Geo, GeoPrecision, Place,
    PublishedSource, Quote, Removed, RemovedKind, TimeExpr, Token, TokenKind,
};
pub use event::{Actor, ActorKind, Basis, Claim, Count, Event, EventType, Location, Stance, SubEventType, OUTLET_VOICE};
pub use span::{CharMap, Span};

/// Re-exported so stages share one calendar type.
pub use jiff::civil::Date;
