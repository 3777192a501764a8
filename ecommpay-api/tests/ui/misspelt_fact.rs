// A fact is named through the generated `Fact` enum: a misspelt one does not compile.
use ecommpay_api::{Fact, Facts};

fn main() {
    let _ = Facts::none().with(Fact::RefundIsPartal);
    // Nor does a name given as text where a fact is expected.
    let _ = Facts::none().with("refund_is_partial");
}
