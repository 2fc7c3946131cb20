#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]
//! The real server on 127.0.0.1:0 over a real SQLite store holding the
//! Istanbul scenario, driven over HTTP.

#[path = "api/support.rs"]
mod support;

#[path = "api/asof.rs"]
mod asof;
#[path = "api/auth.rs"]
mod auth;
#[path = "api/batch.rs"]
mod batch;
#[path = "api/evidence.rs"]
mod evidence;
#[path = "api/evidence_meta.rs"]
mod evidence_meta;
#[path = "api/hardening.rs"]
mod hardening;
#[path = "api/import.rs"]
mod import;
#[path = "api/incidents.rs"]
mod incidents;
#[path = "api/languages.rs"]
mod languages;
#[path = "api/matrix.rs"]
mod matrix;
#[path = "api/offline.rs"]
mod offline;
#[path = "api/openapi.rs"]
mod openapi;
#[path = "api/operations.rs"]
mod operations;
#[path = "api/postgres.rs"]
mod postgres;
#[path = "api/records.rs"]
mod records;
#[path = "api/revocation.rs"]
mod revocation;
#[path = "api/routes.rs"]
mod routes;
#[path = "api/startup.rs"]
mod startup;
#[path = "api/transparency.rs"]
mod transparency;
#[path = "api/views.rs"]
mod views;
