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

#[path = "api/auth.rs"]
mod auth;
#[path = "api/evidence.rs"]
mod evidence;
#[path = "api/hardening.rs"]
mod hardening;
#[path = "api/incidents.rs"]
mod incidents;
#[path = "api/matrix.rs"]
mod matrix;
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
#[path = "api/transparency.rs"]
mod transparency;
#[path = "api/views.rs"]
mod views;
