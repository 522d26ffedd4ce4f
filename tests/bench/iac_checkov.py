"""Benchmark: `guardrail iac` against checkov on the real infrastructure code in tests/iac/corpus.

    python3 tests/bench/iac_checkov.py [--guardrail BINARY] [--json OUT]

BINARY defaults to $GUARDRAIL, else target/release/guardrail, else target/debug/guardrail.
checkov: $CHECKOV if set, else checkov 3.3.30 installed (once) into a venv under the system
temp dir (`python3 -m venv` + `pip install checkov==3.3.30`; needs PyPI).

Corpus: tests/iac/corpus/cloudformation/*.{yaml,yml,json}; the CDK cloud assemblies
tests/iac/corpus/cdk/<name>/ (guardrail is given the folder; checkov the stack templates the
manifests name, nested assemblies included); tests/iac/corpus/terraform/<name>/{plan,state}.json;
tests/iac/corpus/pipelines/*.pipeline.json (checkov cannot read these: guardrail-only).

guardrail runs once over everything with its built-in baseline policy; checkov runs once per
framework (`--framework cloudformation`, `--framework terraform_plan` for the plans, again for
the states) with `--skip-download -o json --soft-fail`. `--quiet` is *not* passed: in JSON it only
drops the passed checks, and they are what tells "checkov passed it" from "checkov has no check".

Matching: guardrail judges the deployable resource (an endpoint with its configuration and models,
a monitoring schedule with its job definition), checkov each resource on its own. A checkov
finding on a component (AWS::SageMaker::Model, EndpointConfig, *JobDefinition, the IAM role of
CKV2_AWS_68; their Terraform twins) is lifted to every resource guardrail judged in the same file
that references it (Ref / Fn::GetAtt / Fn::Sub in CloudFormation, `references` in a plan's
configuration); a finding on a resource guardrail judges itself stays on it (CloudFormation: file
+ logical id, checkov's `resource` is `AWS::SageMaker::X.LogicalId`; Terraform: file + address).
CloudFormation `Fn::If` variants: a control fails if any variant fails; else "cannot evaluate" if
any variant cannot; else passes if any variant passes.

A benchmark, not a test: it prints numbers and asserts nothing about them. Output is sorted
(only the wall times vary between runs).
"""

from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
import tempfile
import time
from collections import Counter, defaultdict
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
CORPUS = Path("tests/iac/corpus")
CHECKOV_VERSION = "3.3.30"

# checkov check -> (guardrail control, why they judge the same thing). Checked against
# `checkov --list` at run time (SAGEMAKER_CHECKS below) and against guardrail's observed texts.
CHECK_TO_CONTROL: dict[str, tuple[str, str]] = {
    "CKV_AWS_22": ("volume-kms", "notebook kms_key_id: the key of the notebook's ML storage volume (guardrail: volume-kms)"),
    "CKV_AWS_187": ("volume-kms", "notebook/domain KmsKeyId: notebook storage volume / Studio EFS+EBS volumes (guardrail: volume-kms)"),
    "CKV_AWS_98": ("volume-kms", "endpoint config KmsKeyId encrypts the storage volume of the hosting instances (guardrail: volume-kms)"),
    "CKV_AWS_367": ("output-kms", "data quality job DataQualityJobOutputConfig.KmsKeyId: the monitoring job's S3 output (guardrail: output-kms)"),
    "CKV_AWS_368": ("volume-kms", "data quality job ClusterConfig.VolumeKmsKeyId: the job instance's storage volume"),
    "CKV_AWS_369": ("inter-container-encryption", "data quality job NetworkConfig.EnableInterContainerTrafficEncryption"),
    "CKV_AWS_370": ("network-isolation", "model EnableNetworkIsolation (guardrail judges it on every model behind an endpoint)"),
    "CKV_AWS_122": ("no-direct-internet", "notebook DirectInternetAccess = Disabled"),
    "CKV_AWS_306": ("vpc-attached", "notebook subnet_id set (launched into a VPC)"),
    "CKV_AWS_307": ("no-root-access", "notebook RootAccess = Disabled"),
    "CKV_AWS_371": ("imds-v2", "notebook MinimumInstanceMetadataServiceVersion = 2"),
    "CKV_AWS_372": ("output-kms", "human-review flow definition OutputConfig.KmsKeyId"),
    "CKV2_AWS_68": ("execution-roles", "approximate: checkov judges the notebook role's policy, guardrail the role against an allow-list"),
}
SAGEMAKER_CHECKS = sorted(CHECK_TO_CONTROL, key=lambda c: (c.startswith("CKV2"), int(c.rsplit("_", 1)[1])))
# checks whose finding on a role is lifted only to resources of these types
CHECK_OWNER_TYPES = {"CKV2_AWS_68": {"AWS::SageMaker::NotebookInstance"}}

# checkov resource types that guardrail folds into the resource that references them
COMPONENT_TYPES = {
    "AWS::SageMaker::Model", "AWS::SageMaker::EndpointConfig", "AWS::SageMaker::DataQualityJobDefinition",
    "AWS::SageMaker::ModelQualityJobDefinition", "AWS::SageMaker::ModelBiasJobDefinition",
    "AWS::SageMaker::ModelExplainabilityJobDefinition", "AWS::IAM::Role",
    "aws_sagemaker_model", "aws_sagemaker_endpoint_configuration", "aws_sagemaker_data_quality_job_definition",
    "aws_iam_role",
}
TF_TO_CFN = {
    "aws_sagemaker_notebook_instance": "AWS::SageMaker::NotebookInstance",
    "aws_sagemaker_domain": "AWS::SageMaker::Domain",
    "aws_iam_role": "AWS::IAM::Role",
}


def rel(path: str | Path) -> str:
    p = Path(path)
    if not p.is_absolute():
        p = REPO / p
    try:
        return p.resolve().relative_to(REPO).as_posix()
    except ValueError:
        return p.as_posix()


def short(text: str | None, width: int = 170) -> str:
    text = " ".join((text or "").split())
    return text if len(text) <= width else text[: width - 1] + "…"


# ---------------------------------------------------------------------------------------------
# tools


def find_guardrail(arg: str | None) -> str:
    for cand in (arg, os.environ.get("GUARDRAIL"), REPO / "target/release/guardrail", REPO / "target/debug/guardrail"):
        if cand and Path(cand).is_file():
            return str(cand)
    sys.exit("no guardrail binary: pass --guardrail or set $GUARDRAIL (cargo build -p guardrail-cli)")


def find_checkov() -> str:
    if os.environ.get("CHECKOV"):
        return os.environ["CHECKOV"]
    venv = Path(tempfile.gettempdir()) / f"guardrail-bench-checkov-{CHECKOV_VERSION}"
    exe = venv / "bin" / "checkov"
    if not exe.is_file():
        print(f"installing checkov {CHECKOV_VERSION} into {venv} …", file=sys.stderr)
        subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
        subprocess.run([str(venv / "bin" / "pip"), "install", "-q", f"checkov=={CHECKOV_VERSION}"], check=True)
    return str(exe)


def ensure_yaml(checkov: str) -> None:
    """PyYAML reads the CloudFormation YAML; checkov's venv has it if this Python does not."""
    try:
        import yaml  # noqa: F401
    except ImportError:
        python = Path(checkov).parent / "python"
        if python.is_file() and Path(sys.executable).resolve() != python.resolve():
            os.execv(str(python), [str(python), *sys.argv])
        sys.exit("PyYAML is needed (pip install pyyaml)")


def checkov_list(checkov: str) -> dict[str, list[tuple[str, str]]]:
    """check id -> [(resource type, framework)] for the SageMaker checks, from `checkov --list`."""
    out = subprocess.run([checkov, "--list", "--skip-download"], capture_output=True, text=True, check=False).stdout
    listed: dict[str, set] = defaultdict(set)
    for line in out.splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) >= 6 and cells[1] in CHECK_TO_CONTROL:
            listed[cells[1]].add((cells[3], cells[5]))
    return {k: sorted(v) for k, v in listed.items()}


def run_checkov(checkov: str, framework: str, files: list[Path]) -> tuple[float, list[dict], str]:
    args = [checkov, "--skip-download", "-o", "json", "--soft-fail", "--framework", framework]
    for f in files:
        args += ["-f", str(REPO / f)]
    start = time.perf_counter()
    run = subprocess.run(args, capture_output=True, text=True, check=False, cwd=tempfile.gettempdir())
    elapsed = time.perf_counter() - start
    try:
        data = json.loads(run.stdout)
    except json.JSONDecodeError:
        return elapsed, [], f"checkov exit {run.returncode}: {short(run.stderr, 300)}"
    reports = data if isinstance(data, list) else [data]
    return elapsed, reports, ""


# ---------------------------------------------------------------------------------------------
# corpus and references


def cdk_templates(manifest_dir: Path) -> list[Path]:
    manifest = json.loads((REPO / manifest_dir / "manifest.json").read_text())
    out = []
    for _, art in sorted(manifest.get("artifacts", {}).items()):
        props = art.get("properties", {})
        if art.get("type") == "aws:cloudformation:stack" and props.get("templateFile"):
            out.append(manifest_dir / props["templateFile"])
        elif art.get("type") == "cdk:cloud-assembly" and props.get("directoryName"):
            out += cdk_templates(manifest_dir / props["directoryName"])
    return out


def load_template(path: Path) -> dict:
    import yaml

    class Loader(yaml.SafeLoader):
        pass

    def tag(loader, suffix, node):
        if isinstance(node, yaml.ScalarNode):
            value = loader.construct_scalar(node)
        elif isinstance(node, yaml.SequenceNode):
            value = loader.construct_sequence(node, deep=True)
        else:
            value = loader.construct_mapping(node, deep=True)
        if suffix == "GetAtt" and isinstance(value, str):
            value = value.split(".", 1)
        return {suffix if suffix in ("Ref", "Condition") else f"Fn::{suffix}": value}

    Loader.add_multi_constructor("!", tag)
    text = (REPO / path).read_text()
    try:
        return json.loads(text)
    except json.JSONDecodeError:
        return yaml.load(text, Loader=Loader) or {}


def cfn_refs(node, names: set[str]) -> set[str]:
    found: set[str] = set()
    if isinstance(node, dict):
        for k, v in node.items():
            if k == "Ref" and isinstance(v, str) and v in names:
                found.add(v)
            elif k == "Fn::GetAtt":
                target = v[0] if isinstance(v, list) and v else (v.split(".", 1)[0] if isinstance(v, str) else None)
                if target in names:
                    found.add(target)
            elif k == "Fn::Sub":
                text = v[0] if isinstance(v, list) and v else v
                if isinstance(text, str):
                    found |= {m.split(".", 1)[0] for m in re.findall(r"\$\{([^}!]+)\}", text)} & names
            found |= cfn_refs(v, names)
    elif isinstance(node, list):
        for v in node:
            found |= cfn_refs(v, names)
    return found


def cfn_graph(path: Path) -> tuple[dict[str, str], dict[str, set[str]]]:
    """logical id -> type, logical id -> the logical ids it references."""
    resources = load_template(path).get("Resources") or {}
    names = set(resources)
    types = {k: v.get("Type", "") for k, v in resources.items() if isinstance(v, dict)}
    edges = {k: cfn_refs(v.get("Properties", {}), names) for k, v in resources.items() if isinstance(v, dict)}
    return types, edges


def strip_index(address: str) -> str:
    return re.sub(r"\[[^\]]*\]", "", address)


def tf_graph(path: Path) -> tuple[dict[str, str], dict[str, set[str]]]:
    """Config-level address (indices removed) -> type, -> config addresses it references."""
    plan = json.loads((REPO / path).read_text())
    types: dict[str, str] = {}
    edges: dict[str, set[str]] = defaultdict(set)

    def refs(node) -> list[str]:
        out = []
        if isinstance(node, dict):
            for k, v in node.items():
                out += v if k == "references" and isinstance(v, list) else refs(v)
        elif isinstance(node, list):
            for v in node:
                out += refs(v)
        return out

    def walk(module: dict, prefix: str) -> None:
        for r in module.get("resources", []):
            addr = prefix + r["address"]
            types[addr] = r.get("type", "")
            for ref in refs(r.get("expressions", {})):
                parts = ref.split(".")
                if len(parts) >= 2 and parts[0] not in ("var", "local", "data", "each", "count", "path", "self", "module", "terraform"):
                    edges[addr].add(prefix + parts[0] + "." + strip_index(parts[1]))
        for name, call in sorted(module.get("module_calls", {}).items()):
            walk(call.get("module", {}), f"{prefix}module.{name}.")

    walk(plan.get("configuration", {}).get("root_module", {}), "")
    return types, edges


def closure(start: str, types: dict[str, str], edges: dict[str, set[str]]) -> set[str]:
    seen, todo = set(), [start]
    while todo:
        cur = todo.pop()
        for nxt in edges.get(cur, ()):
            if nxt not in seen and types.get(nxt) in COMPONENT_TYPES:
                seen.add(nxt)
                todo.append(nxt)
    return seen


# ---------------------------------------------------------------------------------------------
# comparison


def aggregate(statuses: list[dict]) -> dict:
    """One control over the Fn::If variants of a resource: FAIL > ERROR > PASS > NOT_APPLICABLE."""
    for want in ("FAIL", "ERROR", "PASS", "NOT_APPLICABLE"):
        hits = [s for s in statuses if s["status"] == want]
        if hits:
            hit = sorted(hits, key=lambda s: s["branch"])[0]
            return {**hit, "variants": f"{len(hits)}/{len(statuses)}"}
    return {"status": "NOT_APPLICABLE", "branch": "", "text": "", "variants": "0/0"}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--guardrail", help="guardrail binary")
    ap.add_argument("--json", metavar="OUT", help="also write the numbers as JSON")
    opts = ap.parse_args()
    guardrail = find_guardrail(opts.guardrail)
    checkov = find_checkov()
    ensure_yaml(checkov)
    os.chdir(REPO)

    cfn_files = sorted(p for p in (CORPUS / "cloudformation").iterdir() if p.suffix in (".yaml", ".yml", ".json"))
    cdk_dirs = sorted(p for p in (CORPUS / "cdk").iterdir() if p.is_dir() and not p.name.endswith("-src") and (p / "manifest.json").is_file())
    cdk_tpls = {d: cdk_templates(d) for d in cdk_dirs}
    tf_plans = sorted((CORPUS / "terraform").glob("*/plan.json"))
    tf_states = sorted((CORPUS / "terraform").glob("*/state.json"))
    pipelines = sorted((CORPUS / "pipelines").glob("*.pipeline.json"))
    kind_of: dict[str, str] = {}
    for f in cfn_files:
        kind_of[rel(f)] = "cloudformation"
    for d, tpls in cdk_tpls.items():
        for t in tpls:
            kind_of[rel(t)] = f"cdk:{d.name}"
    for f in tf_plans:
        kind_of[rel(f)] = "terraform plan"
    for f in tf_states:
        kind_of[rel(f)] = "terraform state"
    for f in pipelines:
        kind_of[rel(f)] = "pipeline"
    notes: list[str] = []

    # -- guardrail ---------------------------------------------------------------------------
    g_args = [guardrail, "iac", "--format", "json", *map(str, cfn_files + cdk_dirs + tf_plans + tf_states + pipelines)]
    start = time.perf_counter()
    g_run = subprocess.run(g_args, capture_output=True, text=True, check=False)
    g_time = time.perf_counter() - start
    if g_run.returncode not in (0, 1):
        print(g_run.stderr, file=sys.stderr)
        return 1
    g_rows = json.loads(g_run.stdout)
    version = subprocess.run([guardrail, "--version"], capture_output=True, text=True, check=False).stdout.strip()

    # unit = (file, resource id) -> control -> [variant result]
    g_results: dict[tuple[str, str], dict[str, list[dict]]] = defaultdict(lambda: defaultdict(list))
    g_types: dict[tuple[str, str], str] = {}
    g_variants: Counter = Counter()
    unreadable: dict[str, list[str]] = defaultdict(list)
    for row in g_rows:
        if row.get("outcome") != "judged":
            notes.append(f"guardrail {row.get('outcome')}: {rel(row['file'])}: {short(json.dumps({k: v for k, v in row.items() if k not in ('file', 'judged')}), 200)}")
        for u in row.get("unreadable", []):
            unreadable[rel(u.get("file", row["file"]))].append(f"{u.get('logical_id', '?')}: {short(u.get('error'), 120)}")
        for item in row.get("judged", []):
            unit = (rel(item["file"]), item["logical_id"])
            g_types[unit] = item["resource_type"]
            g_variants[unit] += 1
            branch = ",".join(f"{k}={'T' if v else 'F'}" for k, v in sorted((item.get("branch") or {}).items()))
            for r in item["report"]["results"]:
                text = r.get("observed") or r.get("reason") or ""
                if r["status"] == "FAIL" and r.get("expected"):
                    text = f"{r.get('observed', '')} (expected {r['expected']})"
                g_results[unit][r["control"]].append({"status": r["status"], "branch": branch, "text": text})
    g_status = {u: {c: aggregate(v) for c, v in ctl.items()} for u, ctl in g_results.items()}
    all_controls = sorted({c for ctl in g_status.values() for c in ctl})

    # -- checkov -----------------------------------------------------------------------------
    ck_version = subprocess.run([checkov, "--version"], capture_output=True, text=True, check=False).stdout.strip()
    listed = checkov_list(checkov)
    ck_time: dict[str, float] = {}
    ck_failed: list[dict] = []
    ck_passed: list[dict] = []
    ck_read: Counter = Counter()
    cfn_inputs = cfn_files + [t for d in cdk_dirs for t in cdk_tpls[d]]
    for label, framework, files in (("cloudformation+cdk", "cloudformation", cfn_inputs),
                                    ("terraform plans", "terraform_plan", tf_plans),
                                    ("terraform states", "terraform_plan", tf_states)):
        if not files:
            continue
        elapsed, reports, err = run_checkov(checkov, framework, files)
        ck_time[label] = elapsed
        if err:
            notes.append(f"checkov {label}: {err}")
        resources = 0
        for rep in reports:
            resources += (rep.get("summary") or rep).get("resource_count", 0)
            res = rep.get("results") or {}
            for key, sink in (("failed_checks", ck_failed), ("passed_checks", ck_passed)):
                for chk in res.get(key, []):
                    sink.append({"check_id": chk["check_id"], "resource": chk["resource"], "file": rel(chk.get("file_abs_path") or chk["file_path"])})
                    ck_read[rel(chk.get("file_abs_path") or chk["file_path"])] += 0
            for perr in res.get("parsing_errors", []):
                notes.append(f"checkov could not parse {rel(perr)}")
        if label == "terraform states" and resources == 0:
            notes.append("checkov --framework terraform_plan read 0 resources from the state.json files (it reads a plan's "
                          "planned_values/resource_changes, not a state's `values`): they count as guardrail-only")
    checkov_blind = {rel(f) for f in pipelines} | ({rel(f) for f in tf_states} if any("state.json files" in n for n in notes) else set())

    # -- references: checkov resource -> guardrail units ------------------------------------
    graphs: dict[str, tuple[dict, dict]] = {}
    for f in [rel(x) for x in cfn_inputs]:
        graphs[f] = cfn_graph(Path(f))
    for f in [rel(x) for x in tf_plans]:
        graphs[f] = tf_graph(Path(f))
    g_closure: dict[tuple[str, str], set[str]] = {}
    for unit in g_status:
        f, rid = unit
        if f in graphs:
            types, edges = graphs[f]
            key = strip_index(rid) if kind_of.get(f, "").startswith("terraform") else rid
            g_closure[unit] = closure(key, types, edges)

    def ck_type_id(f: str, resource: str) -> tuple[str, str]:
        if kind_of.get(f, "").startswith("terraform"):
            return resource.split(".")[-2] if "." in resource else "", resource
        typ, _, lid = resource.partition(".")
        return typ, lid

    def owners(chk: dict) -> tuple[list[tuple[str, str]], str]:
        f = chk["file"]
        typ, rid = ck_type_id(f, chk["resource"])
        if (f, rid) in g_status:
            return [(f, rid)], "same resource"
        key = strip_index(rid) if kind_of.get(f, "").startswith("terraform") else rid
        wanted = CHECK_OWNER_TYPES.get(chk["check_id"])
        hits = sorted(u for u, comp in g_closure.items() if u[0] == f and key in comp and (not wanted or g_types[u] in wanted))
        if hits:
            return hits, f"via {typ} {rid}"
        return [(f, rid)], f"{typ} {rid}: guardrail judged no resource that uses it"

    # unit -> control -> [(check id, how)]
    ck_fail_by: dict[tuple[str, str], dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
    ck_pass_by: dict[tuple[str, str], dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
    ck_only_units: dict[tuple[str, str], str] = {}
    sm_failed_per_file: Counter = Counter()
    all_failed_per_file: Counter = Counter()
    for chk in ck_failed:
        all_failed_per_file[chk["file"]] += 1
        typ, _ = ck_type_id(chk["file"], chk["resource"])
        if "sagemaker" in typ.lower() or chk["check_id"] in CHECK_TO_CONTROL:
            sm_failed_per_file[chk["file"]] += 1
    for source, sink in ((ck_failed, ck_fail_by), (ck_passed, ck_pass_by)):
        for chk in source:
            if chk["check_id"] not in CHECK_TO_CONTROL:
                continue
            control = CHECK_TO_CONTROL[chk["check_id"]][0]
            units, how = owners(chk)
            for u in units:
                sink[u][control].append(f"{chk['check_id']} ({how})" if how != "same resource" else chk["check_id"])
                if u not in g_status and sink is ck_fail_by:
                    ck_only_units[u] = how

    # -- 1. per input file --------------------------------------------------------------------
    per_file = []
    for f in sorted(kind_of):
        units = [u for u in g_status if u[0] == f]
        g_fail = sum(1 for u in units for s in g_status[u].values() if s["status"] == "FAIL")
        g_err = sum(1 for u in units for s in g_status[u].values() if s["status"] == "ERROR")
        blind = f in checkov_blind
        per_file.append({
            "file": f, "kind": kind_of[f], "guardrail_resources": len(units),
            "guardrail_variants": sum(g_variants[u] for u in units), "guardrail_failures": g_fail,
            "guardrail_cannot_evaluate": g_err, "guardrail_unreadable": len(unreadable.get(f, [])),
            "checkov_sagemaker_failed": None if blind else sm_failed_per_file[f],
            "checkov_all_failed": None if blind else all_failed_per_file[f],
        })

    # -- 2./4. per control, disagreements -------------------------------------------------------
    mapped_controls = sorted({c for c, _ in CHECK_TO_CONTROL.values()})
    per_control: dict[str, Counter] = {}
    disagreements = []
    units_all = sorted(set(g_status) | set(ck_only_units))
    for control in mapped_controls:
        cnt = Counter()
        for u in units_all:
            g = g_status.get(u, {}).get(control, {"status": "NOT JUDGED", "text": ck_only_units.get(u, ""), "branch": "", "variants": ""})
            fails = sorted(set(ck_fail_by[u].get(control, [])))
            passes = sorted(set(ck_pass_by[u].get(control, [])))
            blind = u[0] in checkov_blind
            gs = g["status"]
            if gs == "FAIL" and fails:
                cnt["both fail"] += 1
                continue
            if gs == "FAIL":
                cat = "only guardrail (checkov passed)" if passes else ("only guardrail (checkov cannot read the input)" if blind else "only guardrail (checkov has no check)")
            elif gs == "ERROR":
                cat = "guardrail cannot evaluate, checkov fails" if fails else ("guardrail cannot evaluate, checkov passes" if passes else "guardrail cannot evaluate, checkov has no check")
            elif fails:
                cat = f"only checkov (guardrail {gs.lower().replace('_', '-')})"
            else:
                continue
            cnt[cat] += 1
            if cat == "guardrail cannot evaluate, checkov has no check":
                continue  # counted, not listed: no opinion from checkov to weigh against
            ck = ("fails " + ", ".join(fails)) if fails else (("passed " + ", ".join(passes)) if passes else ("n/a: cannot read input" if blind else "no check"))
            disagreements.append({
                "category": cat, "file": u[0], "resource": u[1], "type": g_types.get(u, ""), "control": control,
                "guardrail": gs, "branch": g.get("branch", ""), "variants": g.get("variants", ""),
                "guardrail_text": g.get("text", ""), "checkov": ck,
            })
        per_control[control] = cnt

    # -- 3. guardrail-only controls ----------------------------------------------------------
    unmapped = {}
    for control in all_controls:
        if control in mapped_controls:
            continue
        statuses = Counter(g_status[u][control]["status"] for u in g_status if control in g_status[u])
        types = Counter(g_types[u] for u in g_status if g_status[u].get(control, {}).get("status") == "FAIL")
        unmapped[control] = {"fail": statuses["FAIL"], "cannot_evaluate": statuses["ERROR"], "pass": statuses["PASS"], "failing_types": dict(sorted(types.items()))}

    # -- print --------------------------------------------------------------------------------
    print(f"guardrail: {version or guardrail}   checkov: {ck_version}")
    print(f"corpus: {len(cfn_files)} CloudFormation templates, {len(cdk_dirs)} CDK assemblies ({sum(map(len, cdk_tpls.values()))} templates), "
          f"{len(tf_plans)} Terraform plans, {len(tf_states)} states, {len(pipelines)} pipeline definitions")
    print("\nSageMaker checks in `checkov --list` (resource type, framework):")
    for cid in SAGEMAKER_CHECKS:
        kinds = "; ".join(f"{t} ({fw})" for t, fw in listed.get(cid, [])) or "NOT LISTED"
        print(f"  {cid:<12} -> {CHECK_TO_CONTROL[cid][0]:<27} {kinds}")
        print(f"  {'':<12}    {CHECK_TO_CONTROL[cid][1]}")

    print("\n1. per input file  (res = resources guardrail judged, var = Fn::If variants, fail/cant = (resource, control) pairs FAIL/ERROR; ck.sm = checkov failed checks on SageMaker resources, ck.all = all its failed checks)")
    print(f"  {'file':<88} {'kind':<26} {'res':>4} {'var':>4} {'fail':>5} {'cant':>5} {'unrd':>5} {'ck.sm':>6} {'ck.all':>6}")
    tot = Counter()
    for r in per_file:
        ck_sm = "n/a" if r["checkov_sagemaker_failed"] is None else r["checkov_sagemaker_failed"]
        ck_all = "n/a" if r["checkov_all_failed"] is None else r["checkov_all_failed"]
        f = r["file"].removeprefix(str(CORPUS) + "/")
        print(f"  {f:<88} {r['kind']:<26} {r['guardrail_resources']:>4} {r['guardrail_variants']:>4} {r['guardrail_failures']:>5} "
              f"{r['guardrail_cannot_evaluate']:>5} {r['guardrail_unreadable']:>5} {ck_sm:>6} {ck_all:>6}")
        for k in ("guardrail_resources", "guardrail_variants", "guardrail_failures", "guardrail_cannot_evaluate", "guardrail_unreadable"):
            tot[k] += r[k]
        tot["ck_sm"] += r["checkov_sagemaker_failed"] or 0
        tot["ck_all"] += r["checkov_all_failed"] or 0
    print(f"  {'total':<88} {'':<26} {tot['guardrail_resources']:>4} {tot['guardrail_variants']:>4} {tot['guardrail_failures']:>5} "
          f"{tot['guardrail_cannot_evaluate']:>5} {tot['guardrail_unreadable']:>5} {tot['ck_sm']:>6} {tot['ck_all']:>6}")
    for f, items in sorted(unreadable.items()):
        for it in items:
            print(f"  guardrail unreadable: {f}: {it}")
    print("\n  wall time over the whole corpus:")
    print(f"    guardrail (1 run, all inputs)        {g_time:7.3f} s")
    for label, t in ck_time.items():
        print(f"    checkov {label:<28} {t:7.3f} s")
    print(f"    checkov total                        {sum(ck_time.values()):7.3f} s")

    cols = ["both fail", "only guardrail (checkov passed)", "only guardrail (checkov has no check)",
            "only guardrail (checkov cannot read the input)", "only checkov (guardrail pass)", "only checkov (guardrail not-applicable)",
            "only checkov (guardrail not judged)", "guardrail cannot evaluate, checkov fails",
            "guardrail cannot evaluate, checkov passes", "guardrail cannot evaluate, checkov has no check"]
    abbrev = ["both", "g:ck.pass", "g:ck.nochk", "g:ck.blind", "ck:g.pass", "ck:g.n/a", "ck:g.none", "err:ck.fail", "err:ck.pass", "err:ck.none"]
    print("\n2. per control, over (file, resource) pairs  (g: = only guardrail fails, ck: = only checkov fails, err: = guardrail cannot evaluate)")
    for a, c in zip(abbrev, cols):
        print(f"     {a:<12} {c}")
    print(f"  {'control':<27}" + "".join(f"{a:>12}" for a in abbrev) + "   checkov checks")
    for control in mapped_controls:
        checks = ", ".join(c for c in SAGEMAKER_CHECKS if CHECK_TO_CONTROL[c][0] == control)
        print(f"  {control:<27}" + "".join(f"{per_control[control][c]:>12}" for c in cols) + f"   {checks}")

    print("\n3. guardrail controls with no checkov counterpart  (resources: fail / cannot evaluate / pass)")
    for control, v in sorted(unmapped.items()):
        types = ", ".join(f"{t.removeprefix('AWS::SageMaker::')} {n}" for t, n in v["failing_types"].items())
        print(f"  {control:<27} {v['fail']:>4} / {v['cannot_evaluate']:>4} / {v['pass']:>4}   {types}")

    print("\n4. disagreements (file | resource [type] | control | guardrail | checkov)")
    disagreements.sort(key=lambda d: (d["category"], d["control"], d["file"], d["resource"]))
    last = None
    for d in disagreements:
        if d["category"] != last:
            print(f"  -- {d['category']} ({sum(1 for x in disagreements if x['category'] == d['category'])})")
            last = d["category"]
        f = d["file"].removeprefix(str(CORPUS) + "/")
        branch = f" [{d['branch']}; {d['variants']} variants]" if d["branch"] else ""
        typ = d["type"].removeprefix("AWS::SageMaker::") or "-"
        print(f"  {f} | {d['resource']} [{typ}] | {d['control']} | {d['guardrail']}{branch}: {short(d['guardrail_text'])} | checkov: {d['checkov']}")

    if notes:
        print("\nnotes:")
        for n in sorted(set(notes)):
            print(f"  {n}")

    if opts.json:
        Path(opts.json).write_text(json.dumps({
            "guardrail": version, "checkov": ck_version,
            "wall_time_s": {"guardrail": round(g_time, 3), **{f"checkov {k}": round(v, 3) for k, v in ck_time.items()}},
            "checkov_list": {k: [list(x) for x in v] for k, v in sorted(listed.items())},
            "mapping": {k: {"control": v[0], "reason": v[1]} for k, v in sorted(CHECK_TO_CONTROL.items())},
            "files": per_file,
            "per_control": {c: {k: per_control[c][k] for k in cols} for c in mapped_controls},
            "guardrail_only_controls": unmapped,
            "disagreements": disagreements,
            "notes": sorted(set(notes)),
        }, indent=1, sort_keys=True) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
