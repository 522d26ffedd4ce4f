#!/usr/bin/env python3
# Corpus driver for aws-solutions/mlops-workload-orchestrator (Apache-2.0),
# source/infrastructure/app.py @ debb6896e15dd9ff8f4b5b01e33172ad5572471d.
#
# The upstream app synthesizes many blueprint stacks (and the orchestrator stacks, which
# need Lambda code assets built elsewhere). This driver keeps three of them, with the
# same construction, synthesizer and aspects as upstream (blocks copied from upstream
# app.py): the DataQuality and ModelQuality model-monitor blueprints and the BYOM
# real-time inference blueprint. All are environment-agnostic, as upstream.
# lib/ and cdk.json are the upstream files, unchanged.
from aws_cdk import App, Aspects, DefaultStackSynthesizer
from lib.blueprints.ml_pipelines.model_monitor import ModelMonitorStack
from lib.blueprints.ml_pipelines.realtime_inference_pipeline import (
    BYOMRealtimePipelineStack,
)
from lib.blueprints.aspects.aws_sdk_config_aspect import AwsSDKConfigAspect
from lib.blueprints.aspects.protobuf_config_aspect import ProtobufConfigAspect
from lib.blueprints.aspects.app_registry_aspect import AppRegistry
from lib.blueprints.pipeline_definitions.cdk_context_value import (
    get_cdk_context_value,
)

app = App()
solution_id = get_cdk_context_value(app, "SolutionId")
solution_name = get_cdk_context_value(app, "SolutionName")
version = get_cdk_context_value(app, "Version")
app_registry_name = get_cdk_context_value(app, "AppRegistryName")
application_type = get_cdk_context_value(app, "ApplicationType")

data_quality_monitor_stack = ModelMonitorStack(
    app,
    "DataQualityModelMonitorStack",
    monitoring_type="DataQuality",
    description=(
        f"({solution_id}byom-dqmm) - DataQuality Model Monitor pipeline. Version {version}"
    ),
    synthesizer=DefaultStackSynthesizer(generate_bootstrap_version_rule=False),
)

# add AppRegistry to data quality stack
Aspects.of(data_quality_monitor_stack).add(
    AppRegistry(
        data_quality_monitor_stack,
        "AppRegistryDataQuality",
        solution_id=solution_id,
        solution_name=solution_name,
        solution_version=version,
        app_registry_name=app_registry_name,
        application_type=application_type,
    )
)

Aspects.of(data_quality_monitor_stack).add(
    AwsSDKConfigAspect(app, "SDKUserAgentDataMonitor", solution_id, version)
)


# add PROTOCOL_BUFFERS_PYTHON_IMPLEMENTATION=python to handle protobuf breaking changes
Aspects.of(data_quality_monitor_stack).add(
    ProtobufConfigAspect(app, "ProtobufConfigDataMonitor")
)

model_quality_monitor_stack = ModelMonitorStack(
    app,
    "ModelQualityModelMonitorStack",
    monitoring_type="ModelQuality",
    description=(
        f"({solution_id}byom-mqmm) - ModelQuality Model Monitor pipeline. Version {version}"
    ),
    synthesizer=DefaultStackSynthesizer(generate_bootstrap_version_rule=False),
)

# add AppRegistry to model quality stack
Aspects.of(model_quality_monitor_stack).add(
    AppRegistry(
        model_quality_monitor_stack,
        "AppRegistryDataQuality",
        solution_id=solution_id,
        solution_name=solution_name,
        solution_version=version,
        app_registry_name=app_registry_name,
        application_type=application_type,
    )
)

Aspects.of(model_quality_monitor_stack).add(
    AwsSDKConfigAspect(app, "SDKUserAgentModelQuality", solution_id, version)
)

# add PROTOCOL_BUFFERS_PYTHON_IMPLEMENTATION=python to handle protobuf breaking changes
Aspects.of(model_quality_monitor_stack).add(
    ProtobufConfigAspect(app, "ProtobufConfigModelQuality")
)

realtime_stack = BYOMRealtimePipelineStack(
    app,
    "BYOMRealtimePipelineStack",
    description=(
        f"({solution_id}byom-rip) - BYOM Realtime Inference Pipeline. Version {version}"
    ),
    synthesizer=DefaultStackSynthesizer(generate_bootstrap_version_rule=False),
)

# add AppRegistry to realtime inference stack
Aspects.of(realtime_stack).add(
    AppRegistry(
        realtime_stack,
        "AppRegistryRealtimeInference",
        solution_id=solution_id,
        solution_name=solution_name,
        solution_version=version,
        app_registry_name=app_registry_name,
        application_type=application_type,
    )
)

Aspects.of(realtime_stack).add(
    AwsSDKConfigAspect(app, "SDKUserAgentRealtime", solution_id, version)
)

# add PROTOCOL_BUFFERS_PYTHON_IMPLEMENTATION=python to handle protobuf breaking changes
Aspects.of(realtime_stack).add(ProtobufConfigAspect(app, "ProtobufConfigRealtime"))

app.synth()
