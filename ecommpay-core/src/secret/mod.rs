//! The project's secret key, kept out of sight.

use std::fmt;
use std::path::{Path, PathBuf};

use zeroize::{Zeroize, Zeroizing};

pub(crate) mod hmac512;

use self::hmac512::{MacState, PreparedKey};

/// Name of the environment variable the key is read from by default.
pub const SECRET_KEY_ENV: &str = "ECOMMPAY_SECRET_KEY";

/// The secret key that signs requests and callbacks. Its memory is zeroed on drop, `Debug` prints
/// `SecretKey(<redacted>)`, and there is no `Display`, no comparison and no accessor outside this
/// crate, so it cannot end up in a log by accident.
///
/// The key is absorbed into its HMAC-SHA512 state once, when the `SecretKey` is made, and only
/// that state is kept (the text is zeroed as soon as it is absorbed): every signature starts
/// from a copy of it instead of keying HMAC again. The state is zeroed on drop.
#[derive(Clone)]
pub struct SecretKey {
    prepared: PreparedKey,
}

/// A key that cannot be loaded. The messages name the source, never the key.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum SecretKeyError {
    /// The environment variable is not set.
    #[error("the environment variable {var} is not set")]
    EnvNotSet {
        /// The variable's name.
        var: String,
    },
    /// The environment variable is not valid Unicode.
    #[error("the environment variable {var} is not valid UTF-8")]
    EnvNotUnicode {
        /// The variable's name.
        var: String,
    },
    /// The key file cannot be read.
    #[error("cannot read the key file {}: {source}", path.display())]
    Io {
        /// The file.
        path: PathBuf,
        /// Why.
        #[source]
        source: std::io::Error,
    },
    /// The key file is not UTF-8.
    #[error("the key file {} is not valid UTF-8", path.display())]
    FileNotUtf8 {
        /// The file.
        path: PathBuf,
    },
    /// The key is empty.
    #[error("the secret key from {source_name} is empty")]
    Empty {
        /// Where it came from.
        source_name: String,
    },
}

/// Where [`SecretKey::new`]'s text comes from, as its errors name it.
const GIVEN_TEXT: &str = "the text given to SecretKey::new";

impl SecretKey {
    /// A key from its text. An empty key is an error here as in [`SecretKey::from_env`] and
    /// [`SecretKey::from_file`]: one rule wherever a key comes from, since an empty key signs
    /// messages the platform refuses without saying why (an unset variable in a deployment's
    /// configuration often arrives as an empty string).
    pub fn new(key: impl Into<String>) -> Result<Self, SecretKeyError> {
        let text = Zeroizing::new(key.into());
        if text.is_empty() {
            return Err(SecretKeyError::Empty {
                source_name: GIVEN_TEXT.to_owned(),
            });
        }
        Ok(Self::from_non_empty(&text))
    }

    fn from_non_empty(text: &str) -> Self {
        Self {
            prepared: PreparedKey::new(text.as_bytes()),
        }
    }

    /// The key from an environment variable, usually [`SECRET_KEY_ENV`]. An empty value is an
    /// error.
    pub fn from_env(var: &str) -> Result<Self, SecretKeyError> {
        match std::env::var(var) {
            Ok(value) if value.is_empty() => Err(SecretKeyError::Empty {
                source_name: var.to_owned(),
            }),
            Ok(value) => Ok(Self::from_non_empty(&Zeroizing::new(value))),
            Err(std::env::VarError::NotPresent) => Err(SecretKeyError::EnvNotSet {
                var: var.to_owned(),
            }),
            Err(std::env::VarError::NotUnicode(raw)) => {
                raw.into_encoded_bytes().zeroize();
                Err(SecretKeyError::EnvNotUnicode {
                    var: var.to_owned(),
                })
            }
        }
    }

    /// The key from a file; one trailing newline (`\n` or `\r\n`), as editors add, is removed.
    /// An empty key is an error.
    pub fn from_file(path: impl AsRef<Path>) -> Result<Self, SecretKeyError> {
        let path = path.as_ref();
        let bytes = Zeroizing::new(std::fs::read(path).map_err(|source| SecretKeyError::Io {
            path: path.to_owned(),
            source,
        })?);
        let text = std::str::from_utf8(&bytes).map_err(|_| SecretKeyError::FileNotUtf8 {
            path: path.to_owned(),
        })?;
        let key = text
            .strip_suffix('\n')
            .map_or(text, |rest| rest.strip_suffix('\r').unwrap_or(rest));
        if key.is_empty() {
            return Err(SecretKeyError::Empty {
                source_name: path.display().to_string(),
            });
        }
        Ok(Self::from_non_empty(key))
    }

    /// An HMAC-SHA512 over a new message, from the prepared state.
    pub(crate) fn mac(&self) -> MacState {
        self.prepared.start()
    }
}

impl TryFrom<String> for SecretKey {
    type Error = SecretKeyError;
    fn try_from(key: String) -> Result<Self, Self::Error> {
        Self::new(key)
    }
}

impl TryFrom<&str> for SecretKey {
    type Error = SecretKeyError;
    fn try_from(key: &str) -> Result<Self, Self::Error> {
        Self::new(key)
    }
}

impl fmt::Debug for SecretKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("SecretKey(<redacted>)")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_empty_key_is_refused_wherever_it_comes_from() {
        let error = SecretKey::new("").unwrap_err();
        assert_eq!(
            error.to_string(),
            "the secret key from the text given to SecretKey::new is empty"
        );
        assert!(SecretKey::try_from("").is_err());
        assert!(SecretKey::try_from(String::new()).is_err());
        let var = "ECOMMPAY_SECRET_KEY_EMPTY_RULE_TEST";
        // SAFETY: this test alone reads or writes this variable.
        unsafe { std::env::set_var(var, "") };
        let error = SecretKey::from_env(var).unwrap_err();
        assert_eq!(
            error.to_string(),
            format!("the secret key from {var} is empty")
        );
        assert!(SecretKey::new("k").is_ok());
    }

    #[test]
    fn debug_is_redacted() {
        let key = SecretKey::new("hunter2").unwrap();
        assert_eq!(format!("{key:?}"), "SecretKey(<redacted>)");
        assert_eq!(format!("{:?}", Some(&key)), "Some(SecretKey(<redacted>))");
    }

    fn mac_of_m(key: &SecretKey) -> [u8; hmac512::OUTPUT] {
        let mut mac = key.mac();
        mac.update(b"m");
        mac.finalize()
    }

    #[test]
    fn file_loses_one_trailing_newline_only() {
        let dir = std::env::temp_dir().join(format!("ecommpay-secret-test-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        for (content, expected) in [
            ("abc\n", "abc"),
            ("abc\r\n", "abc"),
            ("abc\n\n", "abc\n"),
            ("abc", "abc"),
            (" abc \n", " abc "),
        ] {
            let path = dir.join("key");
            std::fs::write(&path, content).unwrap();
            let key = SecretKey::from_file(&path).unwrap();
            assert_eq!(
                mac_of_m(&key),
                mac_of_m(&SecretKey::new(expected).unwrap()),
                "{content:?}"
            );
        }
        std::fs::write(dir.join("empty"), "\n").unwrap();
        assert!(matches!(
            SecretKey::from_file(dir.join("empty")),
            Err(SecretKeyError::Empty { .. })
        ));
        let missing = SecretKey::from_file(dir.join("missing")).unwrap_err();
        assert!(missing.to_string().contains("missing"), "{missing}");
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn errors_never_show_the_key() {
        let dir = std::env::temp_dir().join(format!("ecommpay-secret-utf8-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("key");
        std::fs::write(&path, b"top\xffsecret").unwrap();
        let error = SecretKey::from_file(&path).unwrap_err().to_string();
        assert!(
            !error.contains("top") && !error.contains("secret\u{fffd}"),
            "{error}"
        );
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
