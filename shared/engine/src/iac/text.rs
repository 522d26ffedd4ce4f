//! YAML and JSON text read as JSON values, with the position of the first two levels of
//! every document (a template's resources, a pipeline's steps, a state machine's states).
//! CloudFormation's short forms become long forms: `!Ref x` → `{"Ref": x}`, `!GetAtt a.b` →
//! `{"Fn::GetAtt": ["a", "b"]}`, `!Name v` → `{"Fn::Name": v}`.

use std::collections::BTreeMap;

use serde_json::{Map, Value};

use super::cfn::{Position, TemplateError};

/// Deeper nesting than any template has is refused, not followed.
pub const MAX_DEPTH: usize = 128;

/// Where each member of the first two levels is: `Resources/Name`, `Steps/3`.
pub type Places = BTreeMap<String, Position>;

/// Reads YAML or JSON text (JSON is YAML) as one JSON value.
pub fn load(file: &str, text: &str) -> Result<(Value, Places), TemplateError> {
    use saphyr::{LoadableYamlNode, MarkedYamlOwned};
    let error = |line: usize, message: String| TemplateError {
        file: file.to_string(),
        line,
        message,
    };
    // (block nesting has no limit in the parser: a line nested beyond any template's depth is
    // refused before it can exhaust the stack)
    for (i, line) in text.lines().enumerate() {
        let prefix = line
            .chars()
            .take_while(|c| matches!(c, ' ' | '-' | '?' | ':' | '\t'))
            .count();
        if prefix > 4 * MAX_DEPTH {
            return Err(error(
                i + 1,
                format!("nested more than {MAX_DEPTH} levels deep"),
            ));
        }
    }
    let documents = MarkedYamlOwned::load_from_str(text)
        .map_err(|e| error(e.marker().line(), format!("not YAML or JSON: {}", e.info())))?;
    let [document] = documents.as_slice() else {
        return Err(error(
            1,
            format!("expected one document, found {}", documents.len()),
        ));
    };
    let mut positions = BTreeMap::new();
    let value = to_json(document, &mut Vec::new(), &mut positions, &error)?;
    Ok((value, positions))
}

/// A YAML node as JSON: short-form tags in long form (`!Ref x` → `{"Ref": x}`, `!GetAtt a.b` →
/// `{"Fn::GetAtt": ["a", "b"]}`, `!Name v` → `{"Fn::Name": v}`), recording the position of the
/// members of the first two levels.
fn to_json(
    node: &saphyr::MarkedYamlOwned,
    path: &mut Vec<String>,
    positions: &mut BTreeMap<String, Position>,
    error: &dyn Fn(usize, String) -> TemplateError,
) -> Result<Value, TemplateError> {
    use saphyr::{ScalarOwned, YamlDataOwned};
    let line = node.span.start.line();
    if path.len() > MAX_DEPTH {
        return Err(error(
            line,
            format!("nested more than {MAX_DEPTH} levels deep"),
        ));
    }
    Ok(match &node.data {
        YamlDataOwned::Value(scalar) => match scalar {
            ScalarOwned::Null => Value::Null,
            ScalarOwned::Boolean(b) => Value::Bool(*b),
            ScalarOwned::Integer(i) => Value::from(*i),
            ScalarOwned::FloatingPoint(f) => {
                serde_json::Number::from_f64(f.into_inner()).map_or(Value::Null, Value::Number)
            }
            ScalarOwned::String(s) => Value::String(s.to_string()),
        },
        YamlDataOwned::Sequence(items) => Value::Array(
            items
                .iter()
                .enumerate()
                .map(|(i, item)| {
                    if path.len() < 2 {
                        record(positions, path, &i.to_string(), item);
                    }
                    path.push(i.to_string());
                    let converted = to_json(item, path, positions, error);
                    path.pop();
                    converted
                })
                .collect::<Result<_, _>>()?,
        ),
        YamlDataOwned::Mapping(entries) => {
            let mut map = Map::new();
            for (key, value) in entries {
                let key_text = match &key.data {
                    YamlDataOwned::Value(ScalarOwned::String(s)) => s.to_string(),
                    YamlDataOwned::Value(other) => scalar_text(other),
                    _ => {
                        return Err(error(
                            key.span.start.line(),
                            "a mapping key is not a scalar".into(),
                        ))
                    }
                };
                if path.len() < 2 {
                    record(positions, path, &key_text, key);
                }
                path.push(key_text.clone());
                let converted = to_json(value, path, positions, error)?;
                path.pop();
                if map.insert(key_text.clone(), converted).is_some() {
                    return Err(error(
                        key.span.start.line(),
                        format!("duplicate key {key_text}"),
                    ));
                }
            }
            Value::Object(map)
        }
        YamlDataOwned::Tagged(tag, inner) => {
            let payload = to_json(inner, path, positions, error)?;
            let name = tag.suffix.as_str();
            let long = match name {
                "Ref" | "Condition" => name.to_string(),
                _ => format!("Fn::{name}"),
            };
            let payload = match (name, payload) {
                ("GetAtt", Value::String(s)) => match s.split_once('.') {
                    Some((resource, attribute)) => {
                        Value::Array(vec![resource.into(), attribute.into()])
                    }
                    None => {
                        return Err(error(
                            line,
                            format!("!GetAtt {s}: expected RESOURCE.ATTRIBUTE"),
                        ))
                    }
                },
                (_, payload) => payload,
            };
            let mut map = Map::new();
            map.insert(long, payload);
            Value::Object(map)
        }
        YamlDataOwned::Alias(_) => {
            return Err(error(line, "YAML aliases are not supported".into()))
        }
        _ => {
            return Err(error(
                line,
                "a value that is not a scalar, sequence or mapping".into(),
            ))
        }
    })
}

/// Records where the member `name` under `path` is.
fn record(positions: &mut Places, path: &[String], name: &str, node: &saphyr::MarkedYamlOwned) {
    let mut key = path.join("/");
    if !key.is_empty() {
        key.push('/');
    }
    key.push_str(name);
    positions.insert(
        key,
        Position {
            line: node.span.start.line(),
            column: node.span.start.col() + 1,
        },
    );
}

fn scalar_text(scalar: &saphyr::ScalarOwned) -> String {
    use saphyr::ScalarOwned;
    match scalar {
        ScalarOwned::Null => "null".into(),
        ScalarOwned::Boolean(b) => b.to_string(),
        ScalarOwned::Integer(i) => i.to_string(),
        ScalarOwned::FloatingPoint(f) => f.into_inner().to_string(),
        ScalarOwned::String(s) => s.to_string(),
    }
}
