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
/// network imported from another stack is unsettled: what reads it cannot be evaluated, while
/// what the template states is judged (a failure stands, and so does a pass that no unsettled
/// value changes).
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
    let prod = "ResearchNotebook IsProd=true";
    assert_eq!(status(&of, prod, "vpc-attached"), "ERROR");
    for control in [
        "no-direct-internet",
        "volume-kms",
        "no-root-access",
        "imds-v2",
    ] {
        assert_eq!(status(&of, prod, control), "PASS", "{control}");
    }
    // (a control that fails only on particular values never passes what is unsettled)
    assert_eq!(status(&of, prod, "supported-platform"), "ERROR");
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
    // (its network is imported: what reads it cannot be evaluated; the key parameter it
    // states and the internet access it disables are judged)
    assert_eq!(status(&of, "NotebookInstance", "vpc-attached"), "ERROR");
    assert_eq!(status(&of, "NotebookInstance", "volume-kms"), "PASS");
    assert_eq!(
        status(&of, "NotebookInstance", "no-direct-internet"),
        "PASS"
    );

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

/// The files a corpus entry names, read from the corpus.
struct Disk(std::path::PathBuf);

impl Files for Disk {
    fn open(&mut self, path: &str) -> Result<String, String> {
        std::fs::read_to_string(self.0.join(path)).map_err(|e| e.to_string())
    }

    fn terraform_sources(&mut self, _folder: &str) -> Vec<(String, String)> {
        Vec::new()
    }
}

/// Judges a corpus file as `guardrail iac` does (each unit with its own environment).
fn judge_file(path: &str) -> Judgement {
    let root = format!("{}/../../tests/iac/", env!("CARGO_MANIFEST_DIR"));
    let text =
        std::fs::read_to_string(format!("{root}{path}")).unwrap_or_else(|e| panic!("{path}: {e}"));
    let folder = std::path::Path::new(&format!("{root}{path}"))
        .parent()
        .map(std::path::Path::to_path_buf)
        .unwrap_or_default();
    let deployment = Deployment::default();
    let units = super::read(path, &text, None, &deployment, &mut Disk(folder))
        .unwrap_or_else(|e| panic!("{e}"))
        .unwrap_or_else(|| panic!("{path}: not infrastructure code"));
    let mut all = Judgement::default();
    for unit in units {
        let deployment = Deployment {
            account: unit.account,
            region: unit.region,
            ..Deployment::default()
        };
        let judged = judge(&unit.template, &deployment, &Policy::baseline());
        all.judged.extend(judged.judged);
        all.unreadable.extend(judged.unreadable);
    }
    all
}

/// The corpus entries: templates, plans and states, pipeline definitions, and each CDK
/// assembly through its manifest.
fn corpus() -> Vec<String> {
    let root = format!("{}/../../tests/iac/corpus", env!("CARGO_MANIFEST_DIR"));
    let mut out = Vec::new();
    let mut folders = vec![std::path::PathBuf::from(&root)];
    while let Some(folder) = folders.pop() {
        let mut entries: Vec<_> = std::fs::read_dir(&folder)
            .unwrap_or_else(|e| panic!("{}: {e}", folder.display()))
            .flatten()
            .map(|e| e.path())
            .collect();
        entries.sort();
        // (an assembly is read through its manifest; the sources it was made from are not read)
        if folder.join("manifest.json").exists() {
            entries.retain(|p| p.ends_with("manifest.json"));
        }
        for path in entries {
            let name = path
                .file_name()
                .and_then(|n| n.to_str())
                .unwrap_or_default();
            if path.is_dir() {
                if !name.ends_with("-src") {
                    folders.push(path);
                }
            } else if [".yaml", ".yml", ".json"].iter().any(|e| name.ends_with(e)) {
                let relative = path.strip_prefix(&root).unwrap_or(&path);
                out.push(format!("corpus/{}", relative.display()));
            }
        }
    }
    out.sort();
    out
}

/// What a judgement says, one line per resource and branch: its failures, what cannot be
/// evaluated, its passes.
fn summary(judgement: &Judgement) -> String {
    let mut lines = Vec::new();
    for j in &judgement.judged {
        let branch: Vec<String> = j.branch.iter().map(|(c, v)| format!("{c}={v}")).collect();
        let of = |status: Status| -> String {
            let controls: Vec<&str> = j
                .report
                .results
                .iter()
                .filter(|r| r.status == status)
                .map(|r| r.control.as_str())
                .collect();
            controls.join(", ")
        };
        let (fail, error, pass) = (of(Status::Fail), of(Status::Error), of(Status::Pass));
        let place = match &j.location {
            Some(l) if *l != j.logical_id => format!(" [{l}]"),
            _ => String::new(),
        };
        lines.push(format!(
            "{} {}{place} ({}){}\n  fail: {fail}\n  cannot evaluate: {error}\n  pass: {pass}",
            j.position.line,
            j.logical_id,
            j.report.resource.kind,
            match branch.is_empty() {
                true => String::new(),
                false => format!(" when {}", branch.join(", ")),
            }
        ));
    }
    for u in &judgement.unreadable {
        lines.push(format!(
            "{} {}\n  cannot read: {}",
            u.position.line, u.logical_id, u.error
        ));
    }
    lines.join("\n") + "\n"
}

/// Every file of the corpus gives the findings written down for it in `tests/iac/expected/`
/// (reviewed by hand, and against checkov: `tests/bench/iac_checkov.py`). `UPDATE_GOLDEN=1`
/// writes them anew.
#[test]
fn every_corpus_file_gives_its_expected_findings() {
    let files = corpus();
    assert!(files.len() >= 20, "{files:?}");
    let root = format!("{}/../../tests/iac/", env!("CARGO_MANIFEST_DIR"));
    let mut differ = Vec::new();
    for file in &files {
        let got = summary(&judge_file(file));
        let expected_path = format!("{root}expected/{}.txt", file.trim_start_matches("corpus/"));
        if std::env::var_os("UPDATE_GOLDEN").is_some() {
            if let Some(parent) = std::path::Path::new(&expected_path).parent() {
                std::fs::create_dir_all(parent).unwrap_or_else(|e| panic!("{e}"));
            }
            std::fs::write(&expected_path, &got).unwrap_or_else(|e| panic!("{e}"));
            continue;
        }
        let expected = std::fs::read_to_string(&expected_path).unwrap_or_default();
        if expected != got {
            differ.push(format!("{file}:\n--- expected\n{expected}--- got\n{got}"));
        }
    }
    assert!(differ.is_empty(), "{}", differ.join("\n"));
}

/// Terraform: the provider's names read as the request's (a notebook opened to the internet
/// by the module's default, closed by its caller), a key passed down through a module's
/// variable resolved to the key the plan creates, a conditional's operands never taken for
/// its value, a state read as a plan is.
#[test]
fn terraform_plans_and_states_are_judged_by_the_kinds_readers() {
    let of = statuses(&judge_file("corpus/terraform/young-ook-notebook/plan.json"));
    let notebook =
        |name: &str| format!("module.sagemaker.aws_sagemaker_notebook_instance.ni[\"{name}\"]");
    assert_eq!(
        status(&of, &notebook("analyst"), "no-direct-internet"),
        "PASS"
    );
    assert_eq!(
        status(&of, &notebook("explorer"), "no-direct-internet"),
        "FAIL"
    );
    // (its security groups are `var.subnet == null ? null : [aws_security_group...]`: which
    // of the references is the value the plan cannot tell)
    assert_eq!(status(&of, &notebook("explorer"), "vpc-attached"), "ERROR");
    let plan = judge_file("corpus/terraform/aws-ia-sagemaker-endpoint/plan.json");
    let text = serde_json::to_string(&plan.judged).unwrap_or_default();
    assert!(!text.contains("kms_key_arn"), "{text}");
    let endpoint = &plan.judged[0];
    assert_eq!(
        endpoint.location.as_deref(),
        Some(endpoint.logical_id.as_str())
    );
    let of = statuses(&plan);
    assert_eq!(status(&of, &endpoint.logical_id, "vpc-attached"), "FAIL");
    // (the state settles what the plan knew only after apply: the same failures)
    let fails = |file: &str| -> Vec<String> {
        summary(&judge_file(file))
            .lines()
            .filter(|l| !l.starts_with("  cannot") && !l.starts_with("  pass"))
            .map(str::to_string)
            .collect()
    };
    let deploy = "corpus/terraform/custom-project-gitlab-model-deploy";
    assert_eq!(
        fails(&format!("{deploy}/plan.json")),
        fails(&format!("{deploy}/state.json"))
    );
}

/// `--repo-root`: a plan's resource found in its module's `.tf` file.
#[test]
fn a_plans_resource_is_found_in_its_modules_tf_file() {
    let root = format!(
        "{}/../../tests/iac/corpus/terraform/aws-ia-sagemaker-endpoint",
        env!("CARGO_MANIFEST_DIR")
    );
    let plan: Value = serde_json::from_str(
        &std::fs::read_to_string(format!("{root}/plan.json")).unwrap_or_default(),
    )
    .unwrap_or_default();
    let mut files = |folder: &str| -> Vec<(String, String)> {
        let dir = format!("{root}/{folder}");
        let mut out: Vec<(String, String)> = std::fs::read_dir(&dir)
            .into_iter()
            .flatten()
            .flatten()
            .map(|e| e.path())
            .filter(|p| p.extension().is_some_and(|e| e == "tf"))
            .map(|p| {
                (
                    p.display().to_string(),
                    std::fs::read_to_string(&p).unwrap_or_default(),
                )
            })
            .collect();
        out.sort();
        out
    };
    let address = "module.sagemaker-endpoint.aws_sagemaker_endpoint.sagemaker_endpoint";
    let (file, position) =
        terraform::locate(&plan, address, &mut files).unwrap_or_else(|| panic!("not found"));
    assert!(
        file.ends_with("terraform-aws-sagemaker-endpoint/main.tf"),
        "{file}"
    );
    let line = std::fs::read_to_string(&file)
        .unwrap_or_default()
        .lines()
        .nth(position.line - 1)
        .map(str::to_string);
    assert_eq!(
        line.as_deref().map(str::trim_start),
        Some("resource \"aws_sagemaker_endpoint\" \"sagemaker_endpoint\" {")
    );
}

/// CDK: a nested stage's stack deploys to its own environment; its construct paths come from
/// the manifest (inline, or in the `additionalMetadataFile` of manifest version 55).
#[test]
fn cdk_assemblies_are_judged_stack_by_stack_with_construct_paths() {
    for assembly in ["drift-deploy", "drift-deploy-v55"] {
        let judged = judge_file(&format!("corpus/cdk/{assembly}/manifest.json"));
        let prod = judged
            .judged
            .iter()
            .find(|j| j.file.contains("assembly-Prod") && j.logical_id == "Endpoint")
            .unwrap_or_else(|| panic!("{assembly}: no Prod endpoint"));
        assert_eq!(prod.report.resource.account, "123456789012", "{assembly}");
        assert_eq!(prod.report.resource.region, "us-east-1");
        assert_eq!(
            prod.location.as_deref(),
            Some("/Prod/drift-deploy-prod/Endpoint")
        );
        assert!(judged
            .judged
            .iter()
            .any(|j| j.logical_id == "MonitoringSchedule"));
    }
    // A state machine synthesized as an `Fn::Join` of JSON fragments: its training task judged.
    let judged = judge_file("corpus/cdk/sfn-training-job/manifest.json");
    let task = judged
        .judged
        .iter()
        .find(|j| j.resource_type == "sagemaker:CreateTrainingJob")
        .unwrap_or_else(|| panic!("no training task in {judged:?}"));
    assert!(
        task.logical_id.ends_with("/TrainTask"),
        "{}",
        task.logical_id
    );
    let of = statuses(&judged);
    assert_eq!(status(&of, &task.logical_id, "vpc-attached"), "FAIL");
}

/// Pipelines: the secure definition (VPC, keys, inter-container encryption) passes what it
/// sets even though its steps pass data to each other at run time; the plain one fails.
#[test]
fn pipeline_definitions_are_judged_step_by_step() {
    let of = statuses(&judge_file(
        "corpus/pipelines/secure-mlops-abalone.pipeline.json",
    ));
    for control in ["vpc-attached", "volume-kms", "output-kms"] {
        assert_eq!(
            status(&of, "TrainAbaloneModel", control),
            "PASS",
            "{control}"
        );
    }
    assert_eq!(
        status(&of, "RegisterAbaloneModel-RegisterModel", "output-kms"),
        "FAIL"
    );
    let of = statuses(&judge_file(
        "corpus/pipelines/nlp-multi-model.pipeline.json",
    ));
    assert_eq!(status(&of, "TrainModel1", "vpc-attached"), "FAIL");
    assert_eq!(status(&of, "TrainModel1", "volume-kms"), "FAIL");
}

/// An adversarial review's inputs (`tests/iac/templates/adversarial/`), each of which passed a
/// setting the deployment could make non-compliant: none passes now.
#[test]
fn what_the_adversarial_review_found_never_passes() {
    let judged = |file: &str| {
        let path = format!("templates/adversarial/{file}");
        statuses(&judge_file(&path))
    };
    let never_passes = |of: &[(String, BTreeMap<String, &'static str>)], control: &str| {
        assert!(!of.is_empty(), "{control}: nothing judged");
        for (label, results) in of {
            assert_ne!(
                results.get(control).copied(),
                Some("PASS"),
                "{label}: {control}"
            );
        }
    };
    // More than six conditions: the seventh, which opens root access, is never varied.
    never_passes(&judged("seven-conditions.yaml"), "no-root-access");
    // A value picked out of an imported text.
    never_passes(&judged("split-import.yaml"), "no-root-access");
    // A scaling floor that counts only when a parameter enables it; a number without a value.
    never_passes(
        &judged("scaling-parameters.yaml"),
        "multi-instance-variants",
    );
    // Substitutions into a state machine's definition object name the public workforce.
    let of = judged("state-machine-substitutions.yaml");
    assert!(
        of.iter()
            .any(|(_, r)| r.get("public-crowd") == Some(&"FAIL")),
        "{of:?}"
    );
    // A Terraform block that a `dynamic` block may make, known only after apply.
    let of = judged("dynamic-blocks.plan.json");
    never_passes(&of, "multi-instance-variants");
    assert!(
        of.iter()
            .all(|(_, r)| r.get("output-kms") == Some(&"ERROR")),
        "{of:?}"
    );
    // Two models of one name under opposite conditions: the open one is judged too.
    let of = judged("conditional-models.yaml");
    assert!(
        of.iter()
            .any(|(_, r)| r.get("network-isolation") == Some(&"FAIL")),
        "{of:?}"
    );
}

/// A workflow whose definition is kept in S3, and a pipeline step this version cannot read,
/// are listed as unreadable, never passed over in silence.
#[test]
fn what_cannot_be_read_of_a_workflow_is_said() {
    let text = "Resources:\n  Machine:\n    Type: AWS::StepFunctions::StateMachine\n    Properties:\n      RoleArn: arn:aws:iam::123456789012:role/sfn\n      DefinitionS3Location: {Bucket: defs, Key: machine.json}\n  Pipeline:\n    Type: AWS::SageMaker::Pipeline\n    Properties:\n      PipelineName: p\n      RoleArn: arn:aws:iam::123456789012:role/p\n      PipelineDefinition:\n        PipelineDefinitionBody: '{\"Version\": \"2020-12-01\", \"Steps\": [{\"Name\": \"Check\", \"Type\": \"ClarifyCheck\", \"Arguments\": {}}]}'\n";
    let template = cfn::parse("workflows.yaml", text).unwrap_or_else(|e| panic!("{e}"));
    let judged = judge(&template, &Deployment::default(), &Policy::baseline());
    let unread: Vec<(&str, &str)> = judged
        .unreadable
        .iter()
        .map(|u| (u.logical_id.as_str(), u.error.as_str()))
        .collect();
    assert_eq!(unread.len(), 2, "{unread:?}");
    assert!(
        unread
            .iter()
            .any(|(id, e)| *id == "Machine" && e.contains("S3")),
        "{unread:?}"
    );
    assert!(
        unread
            .iter()
            .any(|(id, e)| *id == "Pipeline/Check" && e.contains("ClarifyCheck")),
        "{unread:?}"
    );
}
