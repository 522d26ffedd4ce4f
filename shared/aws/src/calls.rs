//! The SageMaker SDK calls each kind names, in one table ([`sdk_kinds!`]): its `Describe*`
//! (the response kept as JSON for the kind's field mapping), its stop call and its `List*` with
//! the status filter. The SDK's operations are typed, so each kind has its entry here; what the
//! calls mean lives in the kind's file in the engine (`guardrail_core::kinds`).

use std::sync::{Arc, Mutex};

use aws_sdk_sagemaker::config::interceptors::AfterDeserializationInterceptorContextRef;
use aws_sdk_sagemaker::config::{ConfigBag, Intercept, RuntimeComponents};
use aws_sdk_sagemaker::error::{BoxError, ProvideErrorMetadata, SdkError};
use aws_sdk_sagemaker::types;
use aws_sdk_sagemaker::Client;
use serde_json::Value;

use super::classify;
use guardrail_core::json::FieldError;
use guardrail_core::ports::{AwsError, Listed};
use guardrail_core::resource::ResourceKind;

/// Page size of the List* calls.
pub(crate) const PAGE: i32 = 100;

/// Keeps the body of a response as it came, to read it with the kind's field mapping (the SDK's
/// typed output has no serialisation). Non-streaming responses are read into memory before
/// they are deserialised, so the body is there after deserialisation.
#[derive(Clone, Default)]
pub(crate) struct Capture(Arc<Mutex<Option<Vec<u8>>>>);

impl std::fmt::Debug for Capture {
    /// Not the body: it may hold environments and hyperparameters.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Capture(body withheld)")
    }
}

impl Intercept for Capture {
    fn name(&self) -> &'static str {
        "CaptureResponseBody"
    }

    fn read_after_deserialization(
        &self,
        context: &AfterDeserializationInterceptorContextRef<'_>,
        _components: &RuntimeComponents,
        _cfg: &mut ConfigBag,
    ) -> Result<(), BoxError> {
        if let Some(bytes) = context.response().body().bytes() {
            let mut kept = self.0.lock().unwrap_or_else(|p| p.into_inner());
            *kept = Some(bytes.to_vec());
        }
        Ok(())
    }
}

impl Capture {
    /// The captured response as JSON.
    pub(crate) fn json(&self, operation: &'static str) -> Result<Value, AwsError> {
        let kept = self.0.lock().unwrap_or_else(|p| p.into_inner()).take();
        let bytes = kept.ok_or_else(|| AwsError {
            operation,
            code: "NoResponseBody".into(),
            message: "the response body was not kept".into(),
            retryable: true,
        })?;
        serde_json::from_slice(&bytes).map_err(|e| AwsError {
            operation,
            code: "UnexpectedResponse".into(),
            message: format!("the response is not JSON: {e}"),
            retryable: false,
        })
    }
}

/// A response whose members do not have the documented types.
pub(crate) fn unexpected(operation: &'static str, e: FieldError) -> AwsError {
    AwsError {
        operation,
        code: "UnexpectedResponse".into(),
        message: e.to_string(),
        retryable: false,
    }
}

/// `$call` with the name as `$name_member`, its response body kept by `$capture`.
macro_rules! describe {
    ($client:ident . $call:ident, $name_member:ident, $name:expr, $capture:expr, $operation:expr) => {
        $crate::calls::described(
            $operation,
            $capture.clone(),
            $client
                .$call()
                .$name_member($name)
                .customize()
                .interceptor($capture)
                .send(),
        )
        .await
    };
}
pub(crate) use describe;

/// The Describe response of `call` (made by `send`) as JSON, `None` when the resource does
/// not exist. The response is captured as it came (see [`Capture`]) and read by the kind's
/// one field mapping, the same that reads events ([`guardrail_core::kinds::Kind::read`]).
pub(crate) async fn described<T, E, F>(
    operation: &'static str,
    capture: Capture,
    send: F,
) -> Result<Option<Value>, AwsError>
where
    F: std::future::Future<Output = Result<T, SdkError<E>>>,
    E: ProvideErrorMetadata + std::error::Error + Send + Sync + 'static,
{
    match send.await {
        Ok(_) => capture.json(operation).map(Some),
        Err(e) => {
            let e = classify(operation, e);
            if e.is_not_found() {
                Ok(None)
            } else {
                Err(e)
            }
        }
    }
}

/// `request` filtered by `status`: `status_equals`, or the call's own filter member.
macro_rules! status_filter {
    ($request:ident, $status_type:ident, $status:ident) => {
        $request.status_equals(types::$status_type::from($status))
    };
    ($request:ident, $status_type:ident, $status:ident, $filter:ident) => {
        $request.$filter(types::$status_type::from($status))
    };
}

/// Every page of a List* call, filtered by `status` when given and the call takes a status
/// filter (its status type in brackets, and its filter member when it is not `StatusEquals`:
/// `[FeatureGroupStatus: feature_group_status_equals]`; `[]`: none, as `ListClusters`): the
/// items (name and creation time), less those in a status the kind's listing excludes.
macro_rules! list {
    ($client:ident . $call:ident, [$($status_type:ident $(: $filter:ident)?)?], $status:expr,
     $items:ident, $name:ident, $item_status:ident, $listing:expr) => {{
        #[allow(unused_mut)]
        let mut request = $client.$call().max_results(PAGE);
        $(if let Some(status) = $status {
            request = status_filter!(request, $status_type, status $(, $filter)?);
        })?
        let mut pages = request.into_paginator().send();
        let mut listed = Vec::new();
        while let Some(page) = pages.next().await {
            let page = page.map_err(|e| classify($listing.call, e))?;
            listed.extend(
                page.$items()
                    .iter()
                    .filter(|i| {
                        i.$item_status()
                            .is_none_or(|s| !$listing.excluded.contains(&s.as_str()))
                    })
                    .filter_map(|i| {
                        Some(Listed {
                            name: i.$name()?.to_string(),
                            created: i.creation_time().map(|t| t.secs()),
                            known: Default::default(),
                        })
                    }),
            );
        }
        Ok::<Vec<Listed>, AwsError>(listed)
    }};
}

/// A kind the table has no entry for (Studio's calls are in [`crate::studio`]).
fn not_in_table(kind: ResourceKind, operation: &'static str) -> AwsError {
    AwsError {
        operation,
        code: "NotInTable".into(),
        message: format!("no SDK calls for {kind} in the table of crate::calls"),
        retryable: false,
    }
}

/// One entry per kind (Studio's are in [`crate::studio`]): the variant, the request member naming one, its describe and stop calls
/// (none where the stop needs more than the name: [`crate::experiments`]),
/// and its list call (status type, items, item name and item status).
macro_rules! sdk_kinds {
    ($($variant:ident: name $name:ident, describe $describe:ident, $(stop $stop:ident,)?
       list $list:ident([$($status:ident $(: $filter:ident)?)?], $items:ident,
       $item_name:ident, $item_status:ident);)*) => {
        /// `Describe*` of a resource of `kind` named `name` (its ARN for a kind named by its
        /// ARN, [`guardrail_core::resource::ResourceId::call_name`]), as JSON; `None` when it is
        /// gone.
        pub(crate) async fn describe_kind(
            client: &Client,
            kind: ResourceKind,
            name: &str,
        ) -> Result<Option<Value>, AwsError> {
            let (capture, operation) = (Capture::default(), kind.describe_call());
            match kind {
                $(ResourceKind::$variant => {
                    describe!(client.$describe, $name, name, capture, operation)
                })*
                other => Err(not_in_table(other, operation)),
            }
        }

        /// The kind's stop call ([`guardrail_core::kinds::Kind::STOP`]) on `name` (as
        /// `describe_kind` takes it).
        pub(crate) async fn stop_kind(
            client: &Client,
            kind: ResourceKind,
            name: &str,
        ) -> Result<(), AwsError> {
            let operation = kind.stop().call;
            match kind {
                $($(ResourceKind::$variant => client
                    .$stop()
                    .$name(name)
                    .send()
                    .await
                    .map(drop)
                    .map_err(|e| classify(operation, e)),)?)*
                other => Err(not_in_table(other, operation)),
            }
        }

        /// The resources of `kind` listed with `status` (`None`: any status, less the kind's
        /// excluded ones).
        pub(crate) async fn list_kind(
            client: &Client,
            kind: ResourceKind,
            status: Option<&str>,
        ) -> Result<Vec<Listed>, AwsError> {
            let listing = kind.listing();
            let listed = match kind {
                $(ResourceKind::$variant => list!(
                    client.$list,
                    [$($status $(: $filter)?)?],
                    status,
                    $items,
                    $item_name,
                    $item_status,
                    listing
                ),)*
                other => Err(not_in_table(other, listing.call)),
            }?;
            // A kind named by its ARN is listed by ARN.
            Ok(listed
                .into_iter()
                .filter_map(|l| match kind.named_by_arn() {
                    true => Some(Listed {
                        name: guardrail_core::event::name_from_arn(&l.name, kind)?,
                        ..l
                    }),
                    false => Some(l),
                })
                .collect())
        }
    };
}

sdk_kinds! {
    NotebookInstance: name notebook_instance_name,
        describe describe_notebook_instance, stop stop_notebook_instance,
        list list_notebook_instances([NotebookInstanceStatus], notebook_instances,
            notebook_instance_name, notebook_instance_status);
    TrainingJob: name training_job_name,
        describe describe_training_job, stop stop_training_job,
        list list_training_jobs([TrainingJobStatus], training_job_summaries,
            training_job_name, training_job_status);
    ProcessingJob: name processing_job_name,
        describe describe_processing_job, stop stop_processing_job,
        list list_processing_jobs([ProcessingJobStatus], processing_job_summaries,
            processing_job_name, processing_job_status);
    TransformJob: name transform_job_name,
        describe describe_transform_job, stop stop_transform_job,
        list list_transform_jobs([TransformJobStatus], transform_job_summaries,
            transform_job_name, transform_job_status);
    HyperParameterTuningJob: name hyper_parameter_tuning_job_name,
        describe describe_hyper_parameter_tuning_job, stop stop_hyper_parameter_tuning_job,
        list list_hyper_parameter_tuning_jobs([HyperParameterTuningJobStatus],
            hyper_parameter_tuning_job_summaries, hyper_parameter_tuning_job_name,
            hyper_parameter_tuning_job_status);
    Endpoint: name endpoint_name,
        describe describe_endpoint, stop delete_endpoint,
        list list_endpoints([EndpointStatus], endpoints, endpoint_name, endpoint_status);
    MonitoringSchedule: name monitoring_schedule_name,
        describe describe_monitoring_schedule, stop stop_monitoring_schedule,
        list list_monitoring_schedules([ScheduleStatus], monitoring_schedule_summaries,
            monitoring_schedule_name, monitoring_schedule_status);
    Cluster: name cluster_name,
        describe describe_cluster, stop delete_cluster,
        list list_clusters([], cluster_summaries, cluster_name, cluster_status);
    AutoMlJob: name auto_ml_job_name,
        describe describe_auto_ml_job_v2, stop stop_auto_ml_job,
        list list_auto_ml_jobs([AutoMlJobStatus], auto_ml_job_summaries, auto_ml_job_name,
            auto_ml_job_status);
    FeatureGroup: name feature_group_name,
        describe describe_feature_group, stop delete_feature_group,
        list list_feature_groups([FeatureGroupStatus: feature_group_status_equals],
            feature_group_summaries, feature_group_name, feature_group_status);
    CompilationJob: name compilation_job_name,
        describe describe_compilation_job, stop stop_compilation_job,
        list list_compilation_jobs([CompilationJobStatus], compilation_job_summaries,
            compilation_job_name, compilation_job_status);
    LabelingJob: name labeling_job_name,
        describe describe_labeling_job, stop stop_labeling_job,
        list list_labeling_jobs([LabelingJobStatus], labeling_job_summary_list,
            labeling_job_name, labeling_job_status);
    OptimizationJob: name optimization_job_name,
        describe describe_optimization_job, stop stop_optimization_job,
        list list_optimization_jobs([OptimizationJobStatus], optimization_job_summaries,
            optimization_job_name, optimization_job_status);
    MlflowTrackingServer: name tracking_server_name,
        describe describe_mlflow_tracking_server, stop stop_mlflow_tracking_server,
        list list_mlflow_tracking_servers([TrackingServerStatus: tracking_server_status],
            tracking_server_summaries, tracking_server_name, tracking_server_status);
    // (named by its ARN: the listed ARNs become names in `list_kind`)
    MlflowApp: name arn,
        describe describe_mlflow_app, stop delete_mlflow_app,
        list list_mlflow_apps([MlflowAppStatus: status], summaries, arn, status);
    InferenceExperiment: name name,
        describe describe_inference_experiment,
        list list_inference_experiments([InferenceExperimentStatus], inference_experiments,
            name, status);
    RecommendationJob: name job_name,
        describe describe_inference_recommendations_job, stop stop_inference_recommendations_job,
        list list_inference_recommendations_jobs([RecommendationJobStatus],
            inference_recommendations_jobs, job_name, status);
    FlowDefinition: name flow_definition_name,
        describe describe_flow_definition, stop delete_flow_definition,
        list list_flow_definitions([], flow_definition_summaries, flow_definition_name,
            flow_definition_status);
}
