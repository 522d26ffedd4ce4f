//! Path-aware access to event JSON, so every error names the field that was wrong.

use serde_json::Value;

/// What was wrong with one field of an event.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FieldError {
    #[error("{path} is missing")]
    Missing { path: String },
    #[error("{path} should be {expected}, found {found}")]
    WrongType {
        path: String,
        expected: &'static str,
        found: String,
    },
}

/// A JSON value together with its path from the event root.
#[derive(Debug, Clone)]
pub struct Node<'a> {
    pub value: &'a Value,
    pub path: String,
}

pub(crate) fn describe(value: &Value) -> String {
    match value {
        Value::Null => "null".into(),
        Value::Bool(b) => format!("boolean {b}"),
        Value::Number(n) => format!("number {n}"),
        Value::String(s) => format!("string {s:?}"),
        Value::Array(_) => "an array".into(),
        Value::Object(_) => "an object".into(),
    }
}

impl<'a> Node<'a> {
    pub fn new(value: &'a Value, path: impl Into<String>) -> Node<'a> {
        Node {
            value,
            path: path.into(),
        }
    }

    /// The keys of an object. Errors when `self` is not an object.
    pub fn keys(&self) -> Result<Vec<&'a String>, FieldError> {
        match self.value.as_object() {
            Some(map) => Ok(map.keys().collect()),
            None => Err(self.wrong("an object")),
        }
    }

    fn wrong(&self, expected: &'static str) -> FieldError {
        FieldError::WrongType {
            path: self.path.clone(),
            expected,
            found: describe(self.value),
        }
    }

    /// A child of an object; `None` when absent or null. Errors when `self` is not an object.
    pub fn get(&self, key: &str) -> Result<Option<Node<'a>>, FieldError> {
        match self.value {
            Value::Object(map) => Ok(map
                .get(key)
                .filter(|v| !v.is_null())
                .map(|v| Node::new(v, format!("{}.{key}", self.path)))),
            _ => Err(self.wrong("an object")),
        }
    }

    /// A required child.
    pub fn require(&self, key: &str) -> Result<Node<'a>, FieldError> {
        self.get(key)?.ok_or_else(|| FieldError::Missing {
            path: format!("{}.{key}", self.path),
        })
    }

    pub fn str(&self) -> Result<&'a str, FieldError> {
        self.value.as_str().ok_or_else(|| self.wrong("a string"))
    }

    pub fn bool(&self) -> Result<bool, FieldError> {
        self.value.as_bool().ok_or_else(|| self.wrong("a boolean"))
    }

    /// A whole number that fits an `i32` (instance counts).
    pub fn i32(&self) -> Result<i32, FieldError> {
        self.value
            .as_i64()
            .and_then(|n| i32::try_from(n).ok())
            .ok_or_else(|| self.wrong("a whole number"))
    }

    /// A time as the JSON protocols send it: seconds since the epoch (a number, with a
    /// fraction), or RFC 3339 text; in milliseconds since the epoch.
    pub fn time_ms(&self) -> Result<i64, FieldError> {
        let parsed = match self.value {
            Value::Number(n) => n.as_f64().map(|s| (s * 1000.0).round() as i64),
            Value::String(s) => {
                time::OffsetDateTime::parse(s, &time::format_description::well_known::Rfc3339)
                    .ok()
                    .map(|t| (t.unix_timestamp_nanos() / 1_000_000) as i64)
            }
            _ => None,
        };
        parsed.ok_or_else(|| self.wrong("a time"))
    }

    pub fn items(&self) -> Result<Vec<Node<'a>>, FieldError> {
        match self.value {
            Value::Array(items) => Ok(items
                .iter()
                .enumerate()
                .map(|(i, v)| Node::new(v, format!("{}[{i}]", self.path)))
                .collect()),
            _ => Err(self.wrong("an array")),
        }
    }

    /// A list of strings.
    pub fn strings(&self) -> Result<Vec<String>, FieldError> {
        self.items()?
            .iter()
            .map(|n| n.str().map(str::to_string))
            .collect()
    }

    /// An optional string child.
    pub fn opt_str(&self, key: &str) -> Result<Option<&'a str>, FieldError> {
        self.get(key)?.map(|n| n.str()).transpose()
    }

    /// A required, non-empty string child.
    pub fn req_str(&self, key: &str) -> Result<&'a str, FieldError> {
        let node = self.require(key)?;
        match node.str()? {
            "" => Err(FieldError::WrongType {
                path: node.path,
                expected: "a non-empty string",
                found: "an empty string".into(),
            }),
            s => Ok(s),
        }
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn errors_carry_the_full_path_and_what_was_found() {
        let v = json!({"detail": {"requestParameters": {"name": 42, "list": ["a", 1]}}});
        let root = Node::new(&v, "event");
        let params = root
            .require("detail")
            .and_then(|d| d.require("requestParameters"));
        let Ok(params) = params else {
            panic!("fixture has the fields")
        };
        assert_eq!(
            params.req_str("name").map_err(|e| e.to_string()),
            Err("event.detail.requestParameters.name should be a string, found number 42".into())
        );
        assert_eq!(
            params.req_str("other").map_err(|e| e.to_string()),
            Err("event.detail.requestParameters.other is missing".into())
        );
        assert_eq!(
            params
                .require("list")
                .and_then(|l| l.strings())
                .map_err(|e| e.to_string()),
            Err("event.detail.requestParameters.list[1] should be a string, found number 1".into())
        );
    }
}
