//! The ecommpay spec toolchain: spec -> model -> checks -> emitters.
