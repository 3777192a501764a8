//! The merchant's store: its orders and the callback deliveries it has processed, in SQLite
//! (compiled in, the file created on start), shared by a pool of connections so that
//! concurrent deliveries really are concurrent and exactly once rests on the database alone.
//!
//! Exactly once is one transaction per delivery that first marks the delivery's idempotency key
//! as processed (an `INSERT` that the `UNIQUE` key turns into nothing for a copy already
//! marked) and, only when the mark is new, does the business action in the same transaction.
//! A copy arriving while the first is being processed waits for the write lock, then finds the
//! mark. A failed transaction leaves neither the mark nor the action, so the re-send processes
//! it. Checking first and marking afterwards, in two steps, lets concurrent copies all pass the
//! check.

use std::path::Path;

use ecommpay_api::webhook::Delivery;
use r2d2_sqlite::SqliteConnectionManager;
use rusqlite::{OptionalExtension, TransactionBehavior, params};

use crate::OrderStatus;

/// A store operation that failed; the callback is answered 503 and sent again.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("the store's database: {0}")]
    Database(#[from] rusqlite::Error),
    #[error("the store's connection pool: {0}")]
    Pool(#[from] r2d2::Error),
}

/// What became of a delivery.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum TakenIn {
    /// Processed now: its business action done once.
    Processed {
        /// Whether it moved the order forward (`false`: it came late, after a later status).
        moved_order: bool,
    },
    /// Processed before: nothing done.
    Duplicate,
}

/// A delivery the merchant processed: its business action, as the store records it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Processed {
    /// The delivery's idempotency key, as stored (its `Display` form).
    pub key: String,
    /// The order it is about.
    pub order_id: String,
    /// The status it reported.
    pub reported: OrderStatus,
    /// Whether it moved the order forward; a late callback does not.
    pub moved_order: bool,
}

const SCHEMA: &str = "
    CREATE TABLE IF NOT EXISTS orders (
        order_id TEXT PRIMARY KEY,
        status TEXT NOT NULL,
        -- How far along the documented statuses the order is; it never decreases.
        step INTEGER NOT NULL,
        redirect_url TEXT,
        payment_status TEXT
    ) STRICT;
    -- The mark of each delivery processed.
    CREATE TABLE IF NOT EXISTS processed_deliveries (
        idempotency_key TEXT NOT NULL UNIQUE
    ) STRICT;
    -- The business actions, one per delivery processed: nothing here is unique, so an action
    -- done twice would show.
    CREATE TABLE IF NOT EXISTS actions (
        seq INTEGER PRIMARY KEY,
        idempotency_key TEXT NOT NULL,
        order_id TEXT NOT NULL,
        status TEXT NOT NULL,
        redirect_url TEXT,
        payment_status TEXT,
        moved_order INTEGER NOT NULL
    ) STRICT;
";

/// The store over one SQLite file.
pub(crate) struct Store {
    pool: r2d2::Pool<SqliteConnectionManager>,
}

impl Store {
    /// Opens the database at `path`, creating it and its tables when missing.
    pub(crate) fn open(path: &Path) -> Result<Self, StoreError> {
        let manager = SqliteConnectionManager::file(path)
            // A writer waits for another's transaction instead of failing at once.
            .with_init(|connection| connection.busy_timeout(std::time::Duration::from_secs(5)));
        let pool = r2d2::Pool::builder().max_size(8).build(manager)?;
        let connection = pool.get()?;
        // Readers do not wait for a writer; the mode is kept in the file.
        connection.query_row("PRAGMA journal_mode = WAL", [], |_| Ok(()))?;
        connection.execute_batch(SCHEMA)?;
        Ok(Self { pool })
    }

    /// Records an order the Gate accepted, unless a callback already moved it further.
    pub(crate) fn open_order(&self, order_id: &str) -> Result<(), StoreError> {
        self.pool.get()?.execute(
            "INSERT INTO orders (order_id, status, step) VALUES (?1, 'opened', 0)
             ON CONFLICT (order_id) DO NOTHING",
            params![order_id],
        )?;
        Ok(())
    }

    /// Processes a verified delivery exactly once: the mark keyed by its idempotency key and
    /// the business action (moving the order forward, never back) in one transaction.
    pub(crate) fn take_in(
        &self,
        delivery: &Delivery,
        reported: &OrderStatus,
    ) -> Result<TakenIn, StoreError> {
        let mut connection = self.pool.get()?;
        // IMMEDIATE: the write lock from the start, so the mark and the action see no other
        // writer in between.
        let transaction = connection.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let order_id = delivery.payment_id();
        let key = delivery.idempotency_key().to_string();
        let (status, redirect_url, payment_status) = columns(reported);
        // The check and the mark in one statement.
        let marked = transaction.execute(
            "INSERT INTO processed_deliveries (idempotency_key) VALUES (?1)
             ON CONFLICT (idempotency_key) DO NOTHING",
            params![key],
        )?;
        if marked == 0 {
            // Dropped unchanged: rolled back, nothing written.
            return Ok(TakenIn::Duplicate);
        }
        // The business action: the order moves to the reported status only when that is
        // further along; a late callback leaves it where it is.
        let moved_order = match (order_id, step(reported)) {
            (Some(order_id), Some(step)) => {
                transaction.execute(
                    "INSERT INTO orders (order_id, status, step, redirect_url, payment_status)
                     VALUES (?1, ?2, ?3, ?4, ?5)
                     ON CONFLICT (order_id) DO UPDATE SET
                        status = excluded.status, step = excluded.step,
                        redirect_url = excluded.redirect_url,
                        payment_status = excluded.payment_status
                     WHERE excluded.step > orders.step",
                    params![order_id, status, step, redirect_url, payment_status],
                )? > 0
            }
            _ => false,
        };
        transaction.execute(
            "INSERT INTO actions
                (idempotency_key, order_id, status, redirect_url, payment_status, moved_order)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            params![
                key,
                order_id.unwrap_or_default(),
                status,
                redirect_url,
                payment_status,
                moved_order
            ],
        )?;
        transaction.commit()?;
        Ok(TakenIn::Processed { moved_order })
    }

    pub(crate) fn order(&self, order_id: &str) -> Result<Option<OrderStatus>, StoreError> {
        let found = self
            .pool
            .get()?
            .query_row(
                "SELECT status, redirect_url, payment_status FROM orders WHERE order_id = ?1",
                params![order_id],
                |row| {
                    Ok(from_columns(
                        &row.get::<_, String>(0)?,
                        row.get(1)?,
                        row.get(2)?,
                    ))
                },
            )
            .optional()?;
        Ok(found)
    }

    pub(crate) fn processed(&self) -> Result<Vec<Processed>, StoreError> {
        let connection = self.pool.get()?;
        let mut statement = connection.prepare(
            "SELECT idempotency_key, order_id, status, redirect_url, payment_status, moved_order
             FROM actions ORDER BY seq",
        )?;
        let rows = statement.query_map([], |row| {
            Ok(Processed {
                key: row.get(0)?,
                order_id: row.get(1)?,
                reported: from_columns(&row.get::<_, String>(2)?, row.get(3)?, row.get(4)?),
                moved_order: row.get(5)?,
            })
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }
}

/// How far along the documented statuses of a sale a status is: opened, awaiting the
/// customer's redirect, paid or declined, partially refunded, refunded. An order only moves to
/// a later step. Another payment status (`awaiting capture`, a status the documents do not
/// list) is recorded with its delivery but does not move the order.
fn step(status: &OrderStatus) -> Option<i64> {
    match status {
        OrderStatus::Opened => Some(0),
        OrderStatus::AwaitingRedirect { .. } => Some(1),
        OrderStatus::Paid | OrderStatus::Declined => Some(2),
        OrderStatus::PartiallyRefunded => Some(3),
        OrderStatus::Refunded => Some(4),
        OrderStatus::Other { .. } => None,
    }
}

/// A status as the tables hold it: its name, the redirect URL, the payment status as sent.
fn columns(status: &OrderStatus) -> (&str, Option<&str>, Option<&str>) {
    match status {
        OrderStatus::Opened => ("opened", None, None),
        OrderStatus::AwaitingRedirect { url } => ("awaiting_redirect", Some(url), None),
        OrderStatus::Paid => ("paid", None, None),
        OrderStatus::Declined => ("declined", None, None),
        OrderStatus::PartiallyRefunded => ("partially_refunded", None, None),
        OrderStatus::Refunded => ("refunded", None, None),
        OrderStatus::Other { payment_status } => ("other", None, Some(payment_status)),
    }
}

fn from_columns(
    status: &str,
    redirect_url: Option<String>,
    payment_status: Option<String>,
) -> OrderStatus {
    match status {
        "opened" => OrderStatus::Opened,
        "awaiting_redirect" => OrderStatus::AwaitingRedirect {
            url: redirect_url.unwrap_or_default(),
        },
        "paid" => OrderStatus::Paid,
        "declined" => OrderStatus::Declined,
        "partially_refunded" => OrderStatus::PartiallyRefunded,
        "refunded" => OrderStatus::Refunded,
        _ => OrderStatus::Other {
            payment_status: payment_status.unwrap_or_default(),
        },
    }
}
