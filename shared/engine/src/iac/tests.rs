//! `guardrail iac` on templates written for the tests and on the corpus of real ones.

use std::collections::BTreeMap;

use super::*;

fn read(path: &str) -> Template {
    let file = format!("{}/../../tests/iac/{path}", env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(&file).unwrap_or_else(|e| panic!("{file}: {e}"));
    cfn::parse(path, &text).unwrap_or_else(|e| panic!("{e}"))
}

/// Each judged resource (and branch) with its status per control, for compact assertions.
fn statuses(judgement: &Judgement) -> Vec<(String, BTreeMap<String, &'static str>)> {
    judgement
        .judged
        .iter()
        .map(|j| {
            let branch: Vec<String> = j.branch.iter().map(|(c, v)| format!("{c}={v}")).collect();
            let label = format!("{} {}", j.logical_id, branch.join(","));
            let results = j
                .report
                .results
                .iter()
                .map(|r| (r.control.as_str().to_string(), r.status.as_str()))
                .collect();
            (label.trim().to_string(), results)
        })
        .collect()
}

fn status<'a>(
    of: &'a [(String, BTreeMap<String, &'static str>)],
    label: &str,
    control: &str,
) -> &'a str {
    of.iter()
        .find(|(l, _)| l == label)
        .and_then(|(_, r)| r.get(control).copied())
        .unwrap_or_else(|| panic!("no {control} for {label} in {of:?}"))
}

#[test]
fn short_forms_read_as_long_forms_with_the_resource_positions() {
    let t = read("templates/notebook-branches.yaml");
    assert_eq!(
        t.positions
            .get("ResearchNotebook")
            .map(|p| (p.line, p.column)),
        Some((23, 3))
    );
    let nb = &t.root["Resources"]["ResearchNotebook"]["Properties"];
    assert_eq!(nb["DirectInternetAccess"]["Fn::If"][0], "IsProd");
    assert_eq!(
        nb["KmsKeyId"]["Fn::GetAtt"],
        serde_json::json!(["NotebookKey", "Arn"])
    );
    assert_eq!(nb["SubnetId"]["Fn::ImportValue"], "network-private-subnet");
    let json = read("templates/endpoint.json");
    assert_eq!(
        json.positions.get("FraudEndpoint").map(|p| p.line),
        Some(36)
    );
}

#[test]
fn a_malformed_file_is_an_error_naming_its_line() {
    let bad = cfn::parse("bad.yaml", "Resources:\n  A:\n    Type: [unclosed\n");
    assert!(
        matches!(&bad, Err(e) if e.line >= 3 && e.file == "bad.yaml"),
        "{bad:?}"
    );
    let none = cfn::parse("x.yaml", "Parameters: {}\n");
    assert!(
        matches!(&none, Err(e) if e.message.contains("no Resources")),
        "{none:?}"
    );
    let duplicate = cfn::parse("d.json", "{\"Resources\": {}, \"Resources\": {}}");
    assert!(duplicate.is_err(), "{duplicate:?}");
}

#[test]
fn intrinsic_functions_resolve_as_cloudformation_does() {
    let t = read("templates/notebook-branches.yaml");
    let deployment = Deployment {
        parameters: BTreeMap::from([("Environment".to_string(), "prod".to_string())]),
        account: Some("111122223333".into()),
        region: Some("eu-west-1".into()),
    };
    let mut r = cfn::Resolver::new(&t, &deployment);
    let props = r
        .resolve(&t.root["Resources"]["ResearchNotebook"]["Properties"])
        .unwrap_or_default();
    assert_eq!(props["NotebookInstanceName"], "research-prod");
    assert_eq!(
        props["RoleArn"],
        "arn:aws:iam::111122223333:role/SageMakerExecution"
    );
    assert_eq!(
        props["DirectInternetAccess"], "Disabled",
        "IsProd holds for prod"
    );
    assert_eq!(props["Tags"][0]["Value"], "fraud-team");
    let key = props["KmsKeyId"].as_str().unwrap_or_default();
    assert!(
        key.starts_with("arn:aws:kms:eu-west-1:111122223333:key/"),
        "{key}"
    );
    assert!(cfn::is_unresolved(
        props["SubnetId"].as_str().unwrap_or_default()
    ));
    assert!(
        r.unresolved
            .iter()
            .any(|u| u.contains("network-private-subnet")),
        "{:?}",
        r.unresolved
    );
    let mut r = cfn::Resolver::new(&t, &deployment);
    let joined = serde_json::json!({"Fn::Join": ["-", [{"Fn::Select": [1, {"Fn::Split": [",", "a,b,c"]}]}, {"Ref": "AWS::Region"}]]});
    assert_eq!(r.resolve(&joined), Some(serde_json::json!("b-eu-west-1")));
    let literal = serde_json::json!({"Fn::Sub": ["${!Keep}-${X}", {"X": "y"}]});
    assert_eq!(r.resolve(&literal), Some(serde_json::json!("${Keep}-y")));
    let dynamic = serde_json::json!("{{resolve:ssm:/platform/subnet}}");
    assert!(cfn::is_unresolved(
        r.resolve(&dynamic)
            .and_then(|v| v.as_str().map(str::to_string))
            .as_deref()
            .unwrap_or_default()
    ));
    let ssm = cfn::parse(
        "ssm.yaml",
        "Parameters:\n  Subnet:\n    Type: AWS::SSM::Parameter::Value<String>\n    Default: /platform/subnet\nResources: {}\n",
    )
    .unwrap_or_else(|e| panic!("{e}"));
    let mut s = cfn::Resolver::new(&ssm, &deployment);
    let value = s
        .resolve(&serde_json::json!({"Ref": "Subnet"}))
        .unwrap_or_default();
    assert!(
        cfn::is_unresolved(value.as_str().unwrap_or_default()),
        "{value}"
    );
    let removed = serde_json::json!({"A": {"Ref": "AWS::NoValue"}, "B": 1});
    assert_eq!(r.resolve(&removed), Some(serde_json::json!({"B": 1})));
}

/// Every branch of `Fn::If` is judged; a key the template creates is a customer managed key; a
/// network imported from another stack leaves the resource unsettled: a failure it states
/// stands, and nothing is a pass.
#[test]
fn every_branch_is_judged_and_what_the_text_cannot_settle_is_never_a_pass() {
    let template = read("templates/notebook-branches.yaml");
    let judgement = judge(&template, &Deployment::default(), &Policy::baseline());
    let of = statuses(&judgement);
    assert_eq!(of.len(), 2, "{of:?}");
    assert_eq!(
        status(&of, "ResearchNotebook IsProd=false", "no-direct-internet"),
        "FAIL"
    );
    for control in [
        "no-direct-internet",
        "volume-kms",
        "vpc-attached",
        "no-root-access",
    ] {
        assert_eq!(
            status(&of, "ResearchNotebook IsProd=true", control),
            "ERROR",
            "{control}"
        );
    }
    let report = &judgement.judged[0].report;
    assert!(
        report.resource.name.starts_with("research-"),
        "{}",
        report.resource.name
    );
    // The same notebook with its network written out: everything it states is judged.
    let file = format!(
        "{}/../../tests/iac/templates/notebook-branches.yaml",
        env!("CARGO_MANIFEST_DIR")
    );
    let text = std::fs::read_to_string(file).unwrap_or_default();
    let settled = text
        .replace(
            "!ImportValue network-private-subnet",
            "subnet-0a1b2c3d4e5f60001",
        )
        .replace("!ImportValue network-notebook-sg", "sg-0a1b2c3d4e5f60001");
    let template = cfn::parse("settled.yaml", &settled).unwrap_or_else(|e| panic!("{e}"));
    let of = statuses(&judge(
        &template,
        &Deployment::default(),
        &Policy::baseline(),
    ));
    assert_eq!(
        status(&of, "ResearchNotebook IsProd=false", "no-direct-internet"),
        "FAIL"
    );
    for control in [
        "no-direct-internet",
        "volume-kms",
        "vpc-attached",
        "no-root-access",
        "imds-v2",
        "required-tags",
    ] {
        assert_eq!(
            status(&of, "ResearchNotebook IsProd=true", control),
            "PASS",
            "{control}"
        );
    }
}

/// An endpoint is judged with the configuration and model the template declares; a subnet and
/// security group it creates stand for themselves.
#[test]
fn an_endpoint_is_judged_with_its_configuration_and_model_from_the_template() {
    let judgement = judge(
        &read("templates/endpoint.json"),
        &Deployment::default(),
        &Policy::baseline(),
    );
    let of = statuses(&judgement);
    assert_eq!(of.len(), 1, "{of:?}");
    let results = &judgement.judged[0].report.results;
    assert_eq!(
        status(&of, "FraudEndpoint", "vpc-attached"),
        "PASS",
        "{results:?}"
    );
    assert_eq!(status(&of, "FraudEndpoint", "network-isolation"), "PASS");
    assert_eq!(status(&of, "FraudEndpoint", "volume-kms"), "FAIL");
    assert_eq!(
        status(&of, "FraudEndpoint", "multi-instance-variants"),
        "PASS"
    );
    assert_eq!(judgement.judged[0].report.resource.name, "fraud-api");
}

/// The corpus of published templates (tests/iac/README.md): what each gives under the baseline,
/// with no parameter values. A parameter without a default, an import or a branch chosen at
/// deployment makes what reads it "cannot evaluate"; what the template states is judged.
#[test]
fn the_corpus_gives_the_expected_findings() {
    let policy = Policy::baseline();
    let run = |path: &str| statuses(&judge(&read(path), &Deployment::default(), &policy));

    // The secure notebook: root access and IMDSv1 left at AWS's defaults; its network and
    // lifecycle configuration imported from other stacks.
    let of = run("corpus/cloudformation/secure-ds-notebook-v2.yaml");
    assert_eq!(of.len(), 1);
    assert_eq!(status(&of, "NotebookInstance", "no-root-access"), "FAIL");
    assert_eq!(status(&of, "NotebookInstance", "imds-v2"), "FAIL");
    // (its imports leave it unsettled: what it states as a failure stands, nothing passes)
    assert_eq!(status(&of, "NotebookInstance", "volume-kms"), "ERROR");
    assert_eq!(
        status(&of, "NotebookInstance", "no-direct-internet"),
        "ERROR"
    );
    assert_eq!(status(&of, "NotebookInstance", "vpc-attached"), "ERROR");

    // The MLOps endpoint: its model, configuration and endpoint in one template; the key line
    // is commented out, the instance type a parameter.
    let of = run("corpus/cloudformation/secure-mlops-endpoint.yaml");
    assert_eq!(
        status(&of, "SageMakerEndpoint", "network-isolation"),
        "FAIL"
    );
    assert_eq!(status(&of, "SageMakerEndpoint", "volume-kms"), "ERROR");
    assert_eq!(status(&of, "SageMakerEndpoint", "vpc-attached"), "ERROR");

    // Studio in VPC-only mode: its home volume without a customer key.
    let of = run("corpus/cloudformation/studio-vpc-only.yaml");
    assert_eq!(
        status(&of, "SageMakerStudioVPCOnlyDomain", "no-direct-internet"),
        "PASS"
    );
    assert_eq!(
        status(&of, "SageMakerStudioVPCOnlyDomain", "vpc-attached"),
        "PASS"
    );
    assert_eq!(
        status(&of, "SageMakerStudioVPCOnlyDomain", "volume-kms"),
        "FAIL"
    );

    // The MLOps Studio: the key only when a parameter names one (every branch judged; the key
    // branch cannot be settled without the parameter).
    let of = run("corpus/cloudformation/secure-mlops-studio.yaml");
    let domain = |kms: bool| -> Vec<&str> {
        let branch = format!("SageMakerEFSKMSKeyCondition={kms}");
        of.iter()
            .filter(|(l, _)| l.starts_with("SageMakerStudioDomain ") && l.contains(&branch))
            .map(|(_, r)| r.get("volume-kms").copied().unwrap_or_default())
            .collect()
    };
    let (without, with) = (domain(false), domain(true));
    assert!(
        !without.is_empty() && without.iter().all(|s| *s == "FAIL"),
        "{without:?}"
    );
    assert!(
        !with.is_empty() && with.iter().all(|s| *s == "ERROR"),
        "{with:?}"
    );

    // The shadow deployment: data captured without a key, models outside any VPC.
    let of = run("corpus/cloudformation/shadow-endpoint.yml");
    let endpoint = of
        .iter()
        .find(|(l, _)| l.starts_with("Endpoint"))
        .map(|(l, _)| l.clone())
        .unwrap_or_default();
    assert_eq!(status(&of, &endpoint, "output-kms"), "FAIL");
    assert_eq!(status(&of, &endpoint, "vpc-attached"), "FAIL");

    // A JSON template with no resource of a covered kind: read, nothing judged.
    assert!(run("corpus/cloudformation/sagemaker-guard-instance.json").is_empty());
}

/// References and conditions that lead back to themselves end as unresolved, not as a crash.
#[test]
fn cycles_end_as_unresolved() {
    let text = "Conditions:\n  A: !Condition A\nResources:\n  M:\n    Type: AWS::SageMaker::Model\n    Properties:\n      ModelName: !Ref M\n  E:\n    Type: AWS::SageMaker::Endpoint\n    Properties:\n      EndpointConfigName: !If [A, !Ref C, x]\n  C:\n    Type: AWS::SageMaker::EndpointConfig\n    Properties:\n      EndpointConfigName: !Ref C\n";
    let template = cfn::parse("cycle.yaml", text).unwrap_or_else(|e| panic!("{e}"));
    let judged = judge(&template, &Deployment::default(), &Policy::baseline());
    assert_eq!(judged.judged.len() + judged.unreadable.len(), 2);
}
