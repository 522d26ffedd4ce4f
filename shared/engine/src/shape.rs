//! The configuration an event or a Describe response carries, read member by member.
//!
//! CloudTrail request parameters use lowerCamelCase keys, state-change details and Describe
//! responses the PascalCase API shape; otherwise the member names are the same, so one reader (and
//! so one field mapping per kind, in [`crate::kinds`]) serves them all.

use std::collections::BTreeMap;

use crate::json::{FieldError, Node};
use crate::resource::{InstanceGroup, VpcAttachment};

/// A job's `NetworkConfig`.
#[derive(Debug, Default)]
pub struct Network {
    pub vpc: Option<VpcAttachment>,
    pub inter_container_encryption: bool,
    pub network_isolation: bool,
}

/// A node that reads PascalCase member names in either casing.
pub struct Shape<'a> {
    node: Node<'a>,
    camel: bool,
    /// A request's members: one left out gets the API's default for the call.
    request: bool,
}

impl<'a> Shape<'a> {
    fn key(&self, pascal: &str) -> String {
        if self.camel {
            let mut chars = pascal.chars();
            match chars.next() {
                Some(first) => first.to_ascii_lowercase().to_string() + chars.as_str(),
                None => String::new(),
            }
        } else {
            pascal.to_string()
        }
    }

    pub fn get(&self, pascal: &str) -> Result<Option<Shape<'a>>, FieldError> {
        Ok(self.node.get(&self.key(pascal))?.map(|node| Shape {
            node,
            camel: self.camel,
            request: self.request,
        }))
    }

    pub fn str(&self, pascal: &str) -> Result<Option<String>, FieldError> {
        if self.converts_scalars() {
            let node = self.node.get(&self.key(pascal))?;
            match node.as_ref().map(|n| n.value) {
                Some(serde_json::Value::Number(n)) => return Ok(Some(n.to_string())),
                Some(serde_json::Value::Bool(b)) => return Ok(Some(b.to_string())),
                _ => {}
            }
        }
        Ok(self.node.opt_str(&self.key(pascal))?.map(str::to_string))
    }

    pub fn bool_or_false(&self, pascal: &str) -> Result<bool, FieldError> {
        self.bool_or(pascal, false)
    }

    /// A boolean member; absent means `default`.
    pub fn bool_or(&self, pascal: &str, default: bool) -> Result<bool, FieldError> {
        let Some(node) = self.node.get(&self.key(pascal))? else {
            return Ok(default);
        };
        match (self.converts_scalars(), node.value.as_str()) {
            (true, Some("true" | "True")) => Ok(true),
            (true, Some("false" | "False")) => Ok(false),
            _ => node.bool(),
        }
    }

    /// A template's properties, whose scalars CloudFormation converts to the property's type
    /// (a parameter is always a string: `"true"`, `"2"`).
    fn converts_scalars(&self) -> bool {
        self.request && !self.camel
    }

    /// A time member, in milliseconds since the epoch.
    pub fn time_ms(&self, pascal: &str) -> Result<Option<i64>, FieldError> {
        self.node
            .get(&self.key(pascal))?
            .map(|n| n.time_ms())
            .transpose()
    }

    pub fn i32(&self, pascal: &str) -> Result<Option<i32>, FieldError> {
        let Some(node) = self.node.get(&self.key(pascal))? else {
            return Ok(None);
        };
        match (
            self.converts_scalars(),
            node.value.as_str().map(str::parse::<i32>),
        ) {
            (true, Some(Ok(number))) => Ok(Some(number)),
            _ => node.i32().map(Some),
        }
    }

    /// The instances of a cluster that may name instance preferences: what SageMaker selected
    /// (`SelectedInstanceType`, `SelectedInstanceCount`, in Describe responses only), else
    /// `InstanceType` and `InstanceCount`.
    pub fn selected_group(&self, label: String) -> Result<InstanceGroup, FieldError> {
        let mut group = self.group(label, "InstanceCount")?;
        if let Some(selected) = self.str("SelectedInstanceType")? {
            group.instance_type = Some(selected);
        }
        if let Some(count) = self.i32("SelectedInstanceCount")? {
            group.instance_count = Some(count);
        }
        Ok(group)
    }

    /// One instance group from a member with `InstanceType` and `InstanceCount` (or the given
    /// count member), labelled `label`.
    pub fn group(&self, label: String, count: &str) -> Result<InstanceGroup, FieldError> {
        Ok(InstanceGroup {
            label,
            instance_type: self.str("InstanceType")?,
            instance_count: self.i32(count)?,
        })
    }

    pub fn strings(&self, pascal: &str) -> Result<Vec<String>, FieldError> {
        Ok(self
            .node
            .get(&self.key(pascal))?
            .map(|n| n.strings())
            .transpose()?
            .unwrap_or_default())
    }

    pub fn vpc(&self, pascal: &str) -> Result<Option<VpcAttachment>, FieldError> {
        self.get(pascal)?
            .map(|v| {
                Ok(VpcAttachment {
                    subnets: v.strings("Subnets")?,
                    security_groups: v.strings("SecurityGroupIds")?,
                    vpc_id: None,
                })
            })
            .transpose()
    }

    /// A `NetworkConfig` member (processing and monitoring jobs): its `VpcConfig`, and its
    /// `EnableInterContainerTrafficEncryption` and `EnableNetworkIsolation` (absent is `false`).
    pub fn network(&self, pascal: &str) -> Result<Network, FieldError> {
        let Some(network) = self.get(pascal)? else {
            return Ok(Network::default());
        };
        Ok(Network {
            vpc: network.vpc("VpcConfig")?,
            inter_container_encryption: network
                .bool_or_false("EnableInterContainerTrafficEncryption")?,
            network_isolation: network.bool_or_false("EnableNetworkIsolation")?,
        })
    }

    /// The elements of a list member; absent means empty.
    pub fn items(&self, pascal: &str) -> Result<Vec<Shape<'a>>, FieldError> {
        let Some(list) = self.node.get(&self.key(pascal))? else {
            return Ok(Vec::new());
        };
        Ok(list
            .items()?
            .into_iter()
            .map(|node| Shape {
                node,
                camel: self.camel,
                request: self.request,
            })
            .collect())
    }

    pub fn path_str(&self, path: &[&str]) -> Result<Option<String>, FieldError> {
        let Some((last, parents)) = path.split_last() else {
            return Ok(None);
        };
        let mut node = Shape {
            node: self.node.clone(),
            camel: self.camel,
            request: self.request,
        };
        for p in parents {
            match node.get(p)? {
                Some(n) => node = n,
                None => return Ok(None),
            }
        }
        node.str(last)
    }

    /// A map of strings (`Environment`, `HyperParameters`) as settings named `pascal.KEY`, to scan
    /// for credentials; absent: none.
    pub fn plaintext(&self, pascal: &str) -> Result<Vec<crate::secrets::Setting>, FieldError> {
        let Some(map) = self.get(pascal)? else {
            return Ok(Vec::new());
        };
        // Errors name the path, never the value (it may be a credential).
        let withheld = |path: String| FieldError::WrongType {
            path,
            expected: "a map of strings",
            found: "(value withheld)".into(),
        };
        let keys = map
            .node
            .keys()
            .map_err(|_| withheld(map.node.path.clone()))?;
        keys.into_iter()
            .enumerate()
            .map(|(i, key)| {
                let place = crate::secrets::place(pascal, key, i);
                let value = map
                    .node
                    .require(key)
                    .and_then(|v| v.str())
                    .map_err(|_| withheld(format!("{}.{place}", map.node.path)))?;
                Ok(crate::secrets::Setting::new(place, value))
            })
            .collect()
    }

    /// Tags as a list of `{Key, Value}` (API shape) or a `{key: value}` map (state-change shape).
    pub fn tags(&self) -> Result<BTreeMap<String, String>, FieldError> {
        let Some(tags) = self.get("Tags")? else {
            return Ok(BTreeMap::new());
        };
        if tags.node.value.is_object() {
            let mut map = BTreeMap::new();
            if let Some(obj) = tags.node.value.as_object() {
                for key in obj.keys() {
                    let value = tags.node.require(key)?.str()?.to_string();
                    map.insert(key.clone(), value);
                }
            }
            return Ok(map);
        }
        tags.node
            .items()?
            .into_iter()
            .map(|item| {
                let item = Shape {
                    node: item,
                    camel: self.camel,
                    request: self.request,
                };
                let key = item.node.req_str(&item.key("Key"))?.to_string();
                let value = item.str("Value")?.unwrap_or_default();
                Ok((key, value))
            })
            .collect()
    }
}

impl<'a> Shape<'a> {
    /// A Describe response (JSON, PascalCase members); `root` names it in errors.
    pub fn response(value: &'a serde_json::Value, root: &str) -> Shape<'a> {
        Shape::pascal(Node::new(value, root))
    }

    /// The API's PascalCase shape (a Describe response, a state-change detail).
    pub(crate) fn pascal(node: Node<'a>) -> Shape<'a> {
        Shape {
            node,
            camel: false,
            request: false,
        }
    }

    /// Whether this is a request (CloudTrail's request parameters): a member it leaves out gets
    /// the API's default for the call, where a response reports what the resource has.
    pub fn is_request(&self) -> bool {
        self.request
    }

    /// CloudTrail's camelCase request parameters.
    pub(crate) fn camel(node: Node<'a>) -> Shape<'a> {
        Shape {
            node,
            camel: true,
            request: true,
        }
    }

    /// A template's properties: the create call's members, in the API's PascalCase.
    pub(crate) fn template(node: Node<'a>) -> Shape<'a> {
        Shape {
            node,
            camel: false,
            request: true,
        }
    }
}
