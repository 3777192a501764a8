//! Derive macros for ecommpay-api.
