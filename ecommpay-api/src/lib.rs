//! Typed client-side building blocks for the ecommpay payment API.
