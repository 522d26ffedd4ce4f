//! Shared set-up for the integration tests: AWS clients pointed at the local emulator that
//! `tests/run.sh` starts (moto, extended by `tests/emulator/server.py`), sample events renamed per
//! test, SageMaker resources created through the real SDK, and an SQS queue subscribed to the
//! alert topic so tests read back the SNS messages actually delivered.
//!
//! The clients come from `guardrail_aws::load_config()`, the same code the Lambda runs, so the
//! standard `AWS_ENDPOINT_URL` / `AWS_REGION` / credential variables exported by `tests/run.sh` are
//! what point them at the emulator.

use std::sync::atomic::{AtomicU32, Ordering};
use std::time::{Duration, Instant};

use aws_sdk_sagemaker::types::{
    AlgorithmSpecification, AppSpecification, CaptureMode, CaptureOption, ContainerDefinition,
    DataCaptureConfig, DirectInternetAccess, InstanceMetadataServiceConfiguration, InstanceType,
    NetworkConfig, OutputDataConfig, ProcessingClusterConfig, ProcessingInstanceType,
    ProcessingOutputConfig, ProcessingResources, ProcessingStoppingCondition, ProductionVariant,
    ProductionVariantInstanceType, ResourceConfig, RootAccess, StoppingCondition, Tag,
    TrainingInputMode, TrainingInstanceType, VpcConfig,
};
use aws_sdk_sagemaker::types::{
    HyperParameterAlgorithmSpecification, HyperParameterTrainingJobDefinition,
    HyperParameterTuningJobConfig, HyperParameterTuningJobStrategyType,
    HyperParameterTuningResourceConfig, ResourceLimits, S3DataType, TransformDataSource,
    TransformInput, TransformInstanceType, TransformOutput, TransformResources,
    TransformS3DataSource,
};
use guardrail_aws::{
    CloudTrail, Ec2Subnets, Fleet, PerAccount, SageMaker, SecurityHub, SnsPublisher,
};
use guardrail_core::ports::{AwsError, Remediator, ResourceReader};
use guardrail_core::remediation::Action;
use guardrail_core::resource::{ResourceId, Snapshot};
use guardrail_sqlite::SqliteStore;
use serde_json::Value;
use std::sync::Arc;

pub type TestResult<T = ()> = Result<T, Box<dyn std::error::Error + Send + Sync>>;

pub const ACCOUNT: &str = "123456789012";
pub const REGION: &str = "us-east-1";
pub const KEY: &str = "arn:aws:kms:us-east-1:123456789012:key/1111aaaa-22bb-33cc-44dd-555555eeeeee";
pub const SUBNET: &str = "subnet-0a1b2c3d4e5f60001";
pub const GROUP: &str = "sg-0a1b2c3d4e5f60001";
pub const ROLE: &str = "arn:aws:iam::123456789012:role/SageMakerExecutionRole";
const IMAGE: &str = "683313688378.dkr.ecr.us-east-1.amazonaws.com/sagemaker-xgboost:1.7-1";
/// Tag read by the emulator extension: the status a new resource starts in.
pub const INITIAL_STATUS_TAG: &str = "emulator:initial-status";
/// The emulator-only tag answered as a training job's `TuningJobArn` (tests/emulator/README.md).
pub const TUNING_JOB_TAG: &str = "emulator:tuning-job-arn";
/// Emulator extension: the AutoML job a job is a candidate of, answered as its `AutoMLJobArn`.
pub const AUTOML_JOB_TAG: &str = "emulator:automl-job-arn";

/// The role name and external id the tests' member accounts use.
pub const MEMBER_ROLE: &str = "SageMakerGuardrailMember";
pub const EXTERNAL_ID: &str = "guardrail-tests-external-id";

/// A fleet whose home is the emulator's default account, reaching other accounts through the
/// member role when `with_member_role`.
pub async fn member_fleet(with_member_role: bool) -> guardrail_aws::Fleet {
    let role = with_member_role.then(|| guardrail_aws::MemberRole {
        name: MEMBER_ROLE.into(),
        external_id: EXTERNAL_ID.into(),
    });
    guardrail_aws::Fleet::new(guardrail_aws::load_config().await, ACCOUNT.into(), role)
}

/// A 12-digit account id no other test uses: an empty account in the emulator.
pub fn unique_account() -> String {
    static NEXT: AtomicU32 = AtomicU32::new(0);
    let n = NEXT.fetch_add(1, Ordering::Relaxed);
    format!("{:06}{:06}", std::process::id() % 1_000_000, n + 1)
}

/// A name no other test (or earlier run against the same emulator) uses.
pub fn unique(prefix: &str) -> String {
    static NEXT: AtomicU32 = AtomicU32::new(0);
    let n = NEXT.fetch_add(1, Ordering::Relaxed);
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.subsec_nanos())
        .unwrap_or(0);
    format!("{prefix}-{}-{n}-{nanos:x}", std::process::id())
}

/// Clients on the emulator.
pub struct Emulator {
    pub sagemaker: aws_sdk_sagemaker::Client,
    pub ec2: aws_sdk_ec2::Client,
    pub dynamodb: aws_sdk_dynamodb::Client,
    pub cloudtrail: aws_sdk_cloudtrail::Client,
    pub sns: aws_sdk_sns::Client,
    pub sqs: aws_sdk_sqs::Client,
    pub kms: aws_sdk_kms::Client,
}

impl Emulator {
    /// Connects to the emulator started by `tests/run.sh`.
    pub async fn connect() -> TestResult<Emulator> {
        if std::env::var("AWS_ENDPOINT_URL").map_or(true, |u| !u.starts_with("http://127.0.0.1")) {
            return Err("AWS_ENDPOINT_URL does not point at a local emulator: run these tests with tests/run.sh".into());
        }
        let config = guardrail_aws::load_config().await;
        Ok(Emulator::from_config(&config))
    }

    /// Clients in another (member) account, through the member role as the functions assume it
    /// (the emulator gives assumed-role credentials the role's account).
    pub async fn in_account(account: &str) -> TestResult<Emulator> {
        Emulator::in_account_region(account, REGION).await
    }

    /// Clients in a member account and a region of its own.
    pub async fn in_account_region(account: &str, region: &str) -> TestResult<Emulator> {
        let fleet = member_fleet(true).await;
        Ok(Emulator::from_config(&fleet.config(account, region).await?))
    }

    fn from_config(config: &aws_config::SdkConfig) -> Emulator {
        Emulator {
            sagemaker: aws_sdk_sagemaker::Client::new(config),
            ec2: aws_sdk_ec2::Client::new(config),
            dynamodb: aws_sdk_dynamodb::Client::new(config),
            cloudtrail: aws_sdk_cloudtrail::Client::new(config),
            sns: aws_sdk_sns::Client::new(config),
            sqs: aws_sdk_sqs::Client::new(config),
            kms: aws_sdk_kms::Client::new(config),
        }
    }

    /// A new topic with a new SQS queue subscribed to it.
    pub async fn alert_channel(&self) -> TestResult<AlertChannel> {
        let name = unique("alerts");
        let topic_arn = self
            .sns
            .create_topic()
            .name(&name)
            .send()
            .await?
            .topic_arn()
            .ok_or("CreateTopic returned no ARN")?
            .to_string();
        let queue_url = self.queue(&name).await?;
        let attrs = self
            .sqs
            .get_queue_attributes()
            .queue_url(&queue_url)
            .attribute_names(aws_sdk_sqs::types::QueueAttributeName::QueueArn)
            .send()
            .await?;
        let queue_arn = attrs
            .attributes()
            .and_then(|a| a.get(&aws_sdk_sqs::types::QueueAttributeName::QueueArn))
            .ok_or("queue has no ARN")?
            .clone();
        self.sns
            .subscribe()
            .topic_arn(&topic_arn)
            .protocol("sqs")
            .endpoint(queue_arn)
            .send()
            .await?;
        Ok(AlertChannel {
            topic_arn,
            queue_url,
            sqs: self.sqs.clone(),
        })
    }

    pub async fn notebook_status(&self, name: &str) -> TestResult<String> {
        let out = self
            .sagemaker
            .describe_notebook_instance()
            .notebook_instance_name(name)
            .send()
            .await?;
        Ok(out
            .notebook_instance_status()
            .map(|s| s.as_str().to_string())
            .unwrap_or_default())
    }

    pub async fn training_status(&self, name: &str) -> TestResult<String> {
        let out = self
            .sagemaker
            .describe_training_job()
            .training_job_name(name)
            .send()
            .await?;
        Ok(out
            .training_job_status()
            .map(|s| s.as_str().to_string())
            .unwrap_or_default())
    }

    pub async fn processing_status(&self, name: &str) -> TestResult<String> {
        let out = self
            .sagemaker
            .describe_processing_job()
            .processing_job_name(name)
            .send()
            .await?;
        Ok(out
            .processing_job_status()
            .map(|s| s.as_str().to_string())
            .unwrap_or_default())
    }

    pub async fn transform_status(&self, name: &str) -> TestResult<String> {
        let out = self
            .sagemaker
            .describe_transform_job()
            .transform_job_name(name)
            .send()
            .await?;
        Ok(out
            .transform_job_status()
            .map(|s| s.as_str().to_string())
            .unwrap_or_default())
    }

    pub async fn tuning_status(&self, name: &str) -> TestResult<String> {
        let out = self
            .sagemaker
            .describe_hyper_parameter_tuning_job()
            .hyper_parameter_tuning_job_name(name)
            .send()
            .await?;
        Ok(out
            .hyper_parameter_tuning_job_status()
            .map(|s| s.as_str().to_string())
            .unwrap_or_default())
    }

    /// The endpoint's status, or `None` when it no longer exists.
    /// A HyperPod cluster's status; `None` once it is deleted.
    pub async fn cluster_status(&self, name: &str) -> TestResult<Option<String>> {
        match self
            .sagemaker
            .describe_cluster()
            .cluster_name(name)
            .send()
            .await
        {
            Ok(out) => Ok(out.cluster_status().map(|s| s.as_str().to_string())),
            Err(e) => {
                let e = e.into_service_error();
                if aws_sdk_sagemaker::error::ProvideErrorMetadata::code(&e)
                    == Some("ValidationException")
                {
                    Ok(None)
                } else {
                    Err(e.into())
                }
            }
        }
    }

    pub async fn endpoint_status(&self, name: &str) -> TestResult<Option<String>> {
        match self
            .sagemaker
            .describe_endpoint()
            .endpoint_name(name)
            .send()
            .await
        {
            Ok(out) => Ok(Some(
                out.endpoint_status()
                    .map(|s| s.as_str().to_string())
                    .unwrap_or_default(),
            )),
            Err(e) => {
                let e = e.into_service_error();
                if aws_sdk_sagemaker::error::ProvideErrorMetadata::code(&e)
                    == Some("ValidationException")
                {
                    Ok(None)
                } else {
                    Err(e.into())
                }
            }
        }
    }
}

fn tags(pairs: &[(&str, &str)]) -> TestResult<Vec<Tag>> {
    Ok(pairs
        .iter()
        .map(|(k, v)| Tag::builder().key(*k).value(*v).build())
        .collect())
}

fn vpc() -> VpcConfig {
    VpcConfig::builder()
        .subnets(SUBNET)
        .security_group_ids(GROUP)
        .build()
}

/// How compliant a resource created for a test should be.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Posture {
    Compliant,
    NonCompliant,
}

/// Creates a notebook instance; `initial_status` uses the emulator extension.
pub async fn create_notebook(
    emu: &Emulator,
    name: &str,
    posture: Posture,
    initial_status: Option<&str>,
) -> TestResult {
    notebook_request(emu, name, posture, initial_status)?
        .send()
        .await?;
    Ok(())
}

/// The `CreateNotebookInstance` request of [`create_notebook`], to add to before sending.
pub fn notebook_request(
    emu: &Emulator,
    name: &str,
    posture: Posture,
    initial_status: Option<&str>,
) -> TestResult<aws_sdk_sagemaker::operation::create_notebook_instance::builders::CreateNotebookInstanceFluentBuilder>
{
    let mut req = emu
        .sagemaker
        .create_notebook_instance()
        .notebook_instance_name(name)
        .instance_type(InstanceType::MlT3Medium)
        .role_arn(ROLE)
        .set_tags(Some(tags_with_status(initial_status)?));
    req = match posture {
        Posture::Compliant => req
            .subnet_id(SUBNET)
            .security_group_ids(GROUP)
            .kms_key_id(KEY)
            .direct_internet_access(DirectInternetAccess::Disabled)
            .root_access(RootAccess::Disabled)
            .instance_metadata_service_configuration(
                InstanceMetadataServiceConfiguration::builder()
                    .minimum_instance_metadata_service_version("2")
                    .build(),
            ),
        Posture::NonCompliant => req
            .direct_internet_access(DirectInternetAccess::Enabled)
            .root_access(RootAccess::Enabled),
    };
    Ok(req)
}

impl Emulator {
    /// A new SQS queue named `name`: its URL.
    pub async fn queue(&self, name: &str) -> TestResult<String> {
        Ok(self
            .sqs
            .create_queue()
            .queue_name(name)
            .send()
            .await?
            .queue_url()
            .ok_or("CreateQueue returned no URL")?
            .to_string())
    }
}

/// An endpoint serving a model without a VPC (deployed before enforcement), whose model is then
/// deleted and created again, compliant, under the same name (AWS allows it while the endpoint
/// serves the first): issue 19's laundering.
pub async fn launder_endpoint(emu: &Emulator, name: &str) -> TestResult {
    create_endpoint(emu, name, Posture::NonCompliant, None).await?;
    tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    emu.sagemaker.delete_model().model_name(name).send().await?;
    create_model(emu, name, Posture::Compliant).await
}

/// A configuration `<endpoint>-v2` on the endpoint's model, without a volume key or data
/// capture, on one instance: a failing update for a compliant endpoint. Returns its name.
pub async fn create_open_config(emu: &Emulator, endpoint: &str) -> TestResult<String> {
    let config = format!("{endpoint}-v2");
    emu.sagemaker
        .create_endpoint_config()
        .endpoint_config_name(&config)
        .production_variants(
            ProductionVariant::builder()
                .variant_name("AllTraffic")
                .model_name(endpoint)
                .initial_instance_count(1)
                .instance_type(ProductionVariantInstanceType::MlM5Large)
                .build(),
        )
        .send()
        .await?;
    Ok(config)
}

/// `UpdateEndpoint` of `endpoint` to `config`.
pub async fn update_endpoint_to(emu: &Emulator, endpoint: &str, config: &str) -> TestResult {
    emu.sagemaker
        .update_endpoint()
        .endpoint_name(endpoint)
        .endpoint_config_name(config)
        .send()
        .await?;
    Ok(())
}

/// Settles the endpoint's pending update in `status` (patch 9's control endpoint).
pub fn settle_endpoint(endpoint: &str, status: &str) -> TestResult {
    emulator_control(
        "POST",
        &format!("/_guardrail/endpoints/{endpoint}/settle"),
        &format!(r#"{{"status": "{status}"}}"#),
    )?;
    Ok(())
}

/// The result of `control` in `report`.
pub fn result_of<'a>(
    report: &'a guardrail_core::report::Report,
    control: &str,
) -> TestResult<&'a guardrail_core::finding::ControlResult> {
    Ok(report
        .results
        .iter()
        .find(|r| r.control.as_str() == control)
        .ok_or_else(|| format!("{control} not evaluated"))?)
}

/// The ARN of the tuning job `name`.
pub async fn tuning_job_arn(emu: &Emulator, name: &str) -> TestResult<String> {
    Ok(emu
        .sagemaker
        .describe_hyper_parameter_tuning_job()
        .hyper_parameter_tuning_job_name(name)
        .send()
        .await?
        .hyper_parameter_tuning_job_arn()
        .ok_or("no tuning job ARN")?
        .to_string())
}

/// Creates a VPC and one subnet in it; returns their ids.
pub async fn create_vpc_with_subnet(emu: &Emulator, cidr: &str) -> TestResult<(String, String)> {
    let vpc = emu.ec2.create_vpc().cidr_block(cidr).send().await?;
    let vpc_id = vpc
        .vpc()
        .and_then(|v| v.vpc_id())
        .ok_or("CreateVpc returned no id")?
        .to_string();
    let subnet_cidr = cidr.replace(".0.0/16", ".1.0/24");
    let subnet = emu
        .ec2
        .create_subnet()
        .vpc_id(&vpc_id)
        .cidr_block(subnet_cidr)
        .send()
        .await?;
    let subnet_id = subnet
        .subnet()
        .and_then(|s| s.subnet_id())
        .ok_or("CreateSubnet returned no id")?
        .to_string();
    Ok((vpc_id, subnet_id))
}

/// A compliant training job in the given subnet.
pub async fn create_training_job_in(emu: &Emulator, name: &str, subnet: &str) -> TestResult {
    create_training_job_with(
        emu,
        name,
        Posture::Compliant,
        subnet,
        tags_with_status(None)?,
        None,
    )
    .await
}

/// Creates a training job compliant in every other setting, on `resources` (instances and
/// volume key as given there).
pub async fn create_training_job_on(
    emu: &Emulator,
    name: &str,
    resources: ResourceConfig,
) -> TestResult {
    let tags = tags_with_status(None)?;
    create_training_job_with(emu, name, Posture::Compliant, SUBNET, tags, Some(resources)).await
}

/// Creates a training job; `initial_status` uses the emulator extension (default InProgress).
pub async fn create_training_job(
    emu: &Emulator,
    name: &str,
    posture: Posture,
    initial_status: Option<&str>,
) -> TestResult {
    let tags = tags_with_status(initial_status)?;
    create_training_job_with(emu, name, posture, SUBNET, tags, None).await
}

/// Creates a compliant InProgress training job with `hyper_parameters`.
pub async fn create_training_job_with_hyperparameters(
    emu: &Emulator,
    name: &str,
    hyper_parameters: &[(&str, &str)],
) -> TestResult {
    let tags = tags_with_status(None)?;
    let compliant = Posture::Compliant;
    create_training_job_full(emu, name, compliant, SUBNET, tags, None, hyper_parameters).await
}

/// Creates a non-compliant InProgress training job as if the AutoML job `automl_job_arn` had
/// started it as a candidate (the emulator answers the tag as its `AutoMLJobArn`).
pub async fn create_automl_candidate(
    emu: &Emulator,
    name: &str,
    automl_job_arn: &str,
) -> TestResult {
    let mut tags = tags_with_status(None)?;
    tags.extend(self::tags(&[(AUTOML_JOB_TAG, automl_job_arn)])?);
    create_training_job_with(emu, name, Posture::NonCompliant, SUBNET, tags, None).await
}

/// Creates an InProgress AutoML job (`CreateAutoMLJobV2`, tabular) and answers its ARN.
/// Compliant: in the VPC, with `KEY` for its volumes and output and inter-container encryption.
pub async fn create_automl_job(emu: &Emulator, name: &str, posture: Posture) -> TestResult<String> {
    use aws_sdk_sagemaker::types::{
        AutoMlChannelType, AutoMlDataSource, AutoMlJobChannel, AutoMlJobCompletionCriteria,
        AutoMlOutputDataConfig, AutoMlProblemTypeConfig, AutoMlSecurityConfig, AutoMls3DataSource,
        AutoMls3DataType, ProblemType, TabularJobConfig,
    };
    let compliant = posture == Posture::Compliant;
    let mut output = AutoMlOutputDataConfig::builder().s3_output_path("s3://models/automl/");
    let mut request = emu
        .sagemaker
        .create_auto_ml_job_v2()
        .auto_ml_job_name(name)
        .auto_ml_job_input_data_config(
            AutoMlJobChannel::builder()
                .channel_type(AutoMlChannelType::Training)
                .data_source(
                    AutoMlDataSource::builder()
                        .s3_data_source(
                            AutoMls3DataSource::builder()
                                .s3_data_type(AutoMls3DataType::S3Prefix)
                                .s3_uri("s3://data/churn/")
                                .build(),
                        )
                        .build(),
                )
                .build(),
        )
        .auto_ml_problem_type_config(AutoMlProblemTypeConfig::TabularJobConfig(
            TabularJobConfig::builder()
                .target_attribute_name("churned")
                .problem_type(ProblemType::BinaryClassification)
                .completion_criteria(
                    AutoMlJobCompletionCriteria::builder()
                        .max_candidates(5)
                        .build(),
                )
                .build(),
        ))
        .role_arn(ROLE)
        .set_tags(Some(tags_with_status(None)?));
    if compliant {
        output = output.kms_key_id(KEY);
        request = request.security_config(
            AutoMlSecurityConfig::builder()
                .volume_kms_key_id(KEY)
                .enable_inter_container_traffic_encryption(true)
                .vpc_config(
                    VpcConfig::builder()
                        .subnets(SUBNET)
                        .security_group_ids(GROUP)
                        .build(),
                )
                .build(),
        );
    }
    let created = request.output_data_config(output.build()).send().await?;
    Ok(created.auto_ml_job_arn().unwrap_or_default().to_string())
}

/// Creates a `Created` feature group with an online and an offline store, and answers its ARN.
/// Compliant: both stores with `KEY`.
pub async fn create_feature_group(
    emu: &Emulator,
    name: &str,
    posture: Posture,
) -> TestResult<String> {
    use aws_sdk_sagemaker::types::{
        FeatureDefinition, FeatureType, OfflineStoreConfig, OnlineStoreConfig,
        OnlineStoreSecurityConfig, S3StorageConfig,
    };
    let compliant = posture == Posture::Compliant;
    let key = compliant.then(|| KEY.to_string());
    let feature = |name: &str, kind| {
        FeatureDefinition::builder()
            .feature_name(name)
            .feature_type(kind)
            .build()
    };
    let created = emu
        .sagemaker
        .create_feature_group()
        .feature_group_name(name)
        .record_identifier_feature_name("customer_id")
        .event_time_feature_name("event_time")
        .feature_definitions(feature("customer_id", FeatureType::String))
        .feature_definitions(feature("event_time", FeatureType::String))
        .online_store_config(
            OnlineStoreConfig::builder()
                .enable_online_store(true)
                .security_config(
                    OnlineStoreSecurityConfig::builder()
                        .set_kms_key_id(key.clone())
                        .build(),
                )
                .build(),
        )
        .offline_store_config(
            OfflineStoreConfig::builder()
                .s3_storage_config(
                    S3StorageConfig::builder()
                        .s3_uri("s3://features/offline/")
                        .set_kms_key_id(key)
                        .build(),
                )
                .build(),
        )
        .role_arn(ROLE)
        .set_tags(Some(tags_with_status(None)?))
        .send()
        .await?;
    Ok(created.feature_group_arn().unwrap_or_default().to_string())
}

/// A feature group's status; `None` once it is deleted.
pub async fn feature_group_status(emu: &Emulator, name: &str) -> TestResult<Option<String>> {
    let described = emu
        .sagemaker
        .describe_feature_group()
        .feature_group_name(name)
        .send()
        .await;
    match described {
        Ok(out) => Ok(out.feature_group_status().map(|s| s.as_str().to_string())),
        Err(e) => {
            let e = e.into_service_error();
            if aws_sdk_sagemaker::error::ProvideErrorMetadata::code(&e) == Some("ResourceNotFound")
            {
                Ok(None)
            } else {
                Err(e.into())
            }
        }
    }
}

/// Creates an `INPROGRESS` compilation job (SageMaker Neo). Compliant: in the VPC, its output
/// with `KEY`.
pub async fn create_compilation_job(emu: &Emulator, name: &str, posture: Posture) -> TestResult {
    use aws_sdk_sagemaker::types::{
        Framework, InputConfig, NeoVpcConfig, OutputConfig, StoppingCondition, TargetDevice,
    };
    let compliant = posture == Posture::Compliant;
    let mut output = OutputConfig::builder()
        .s3_output_location("s3://models/compiled/")
        .target_device(TargetDevice::MlC5);
    if compliant {
        output = output.kms_key_id(KEY);
    }
    let mut request = emu
        .sagemaker
        .create_compilation_job()
        .compilation_job_name(name)
        .role_arn(ROLE)
        .input_config(
            InputConfig::builder()
                .s3_uri("s3://models/model.tar.gz")
                .data_input_config(r#"{"data": [1, 30]}"#)
                .framework(Framework::Xgboost)
                .build(),
        )
        .output_config(output.build())
        .stopping_condition(
            StoppingCondition::builder()
                .max_runtime_in_seconds(900)
                .build(),
        )
        .set_tags(Some(tags_with_status(None)?));
    if compliant {
        request = request.vpc_config(
            NeoVpcConfig::builder()
                .subnets(SUBNET)
                .security_group_ids(GROUP)
                .build(),
        );
    }
    request.send().await?;
    Ok(())
}

/// The public Mechanical Turk workforce, as AWS names it in us-east-1.
pub const PUBLIC_CROWD: &str =
    "arn:aws:sagemaker:us-east-1:394669845002:workteam/public-crowd/default";
/// A private workteam of the tests' account.
pub const PRIVATE_TEAM: &str =
    "arn:aws:sagemaker:us-east-1:123456789012:workteam/private-crowd/annotators";

/// Creates an `InProgress` labeling job sent to `workteam`, its labels written with `KEY`.
pub async fn create_labeling_job(emu: &Emulator, name: &str, workteam: &str) -> TestResult {
    use aws_sdk_sagemaker::types::{
        AnnotationConsolidationConfig, HumanTaskConfig, LabelingJobDataSource,
        LabelingJobInputConfig, LabelingJobOutputConfig, LabelingJobS3DataSource, UiConfig,
    };
    emu.sagemaker
        .create_labeling_job()
        .labeling_job_name(name)
        .label_attribute_name("boxes")
        .input_config(
            LabelingJobInputConfig::builder()
                .data_source(
                    LabelingJobDataSource::builder()
                        .s3_data_source(
                            LabelingJobS3DataSource::builder()
                                .manifest_s3_uri("s3://data/claims/manifest.jsonl")
                                .build(),
                        )
                        .build(),
                )
                .build(),
        )
        .output_config(
            LabelingJobOutputConfig::builder()
                .s3_output_path("s3://data/claims/labels/")
                .kms_key_id(KEY)
                .build(),
        )
        .role_arn(ROLE)
        .human_task_config(
            HumanTaskConfig::builder()
                .workteam_arn(workteam)
                .ui_config(
                    UiConfig::builder()
                        .ui_template_s3_uri("s3://data/claims/template.liquid")
                        .build(),
                )
                .pre_human_task_lambda_arn(
                    "arn:aws:lambda:us-east-1:432418664414:function:PRE-BoundingBox",
                )
                .task_title("boxes")
                .task_description("draw boxes")
                .number_of_human_workers_per_data_object(1)
                .task_time_limit_in_seconds(300)
                .annotation_consolidation_config(
                    AnnotationConsolidationConfig::builder()
                        .annotation_consolidation_lambda_arn(
                            "arn:aws:lambda:us-east-1:432418664414:function:ACS-BoundingBox",
                        )
                        .build(),
                )
                .build(),
        )
        .set_tags(Some(tags_with_status(None)?))
        .send()
        .await?;
    Ok(())
}

/// A labeling job's status.
pub async fn labeling_status(emu: &Emulator, name: &str) -> TestResult<String> {
    let described = emu
        .sagemaker
        .describe_labeling_job()
        .labeling_job_name(name)
        .send()
        .await?;
    Ok(described
        .labeling_job_status()
        .map(|s| s.as_str().to_string())
        .unwrap_or_default())
}

/// Registers version of model group `group` (created if new) with `approval`, as `emu`'s caller;
/// compliant: its registry record encrypted with `KEY`. Returns the version's ARN.
pub async fn register_model_package(
    emu: &Emulator,
    group: &str,
    approval: &str,
    posture: Posture,
) -> TestResult<String> {
    use aws_sdk_sagemaker::types::{
        InferenceSpecification, ModelApprovalStatus, ModelPackageContainerDefinition,
        ModelPackageSecurityConfig, Tag,
    };
    let exists = emu
        .sagemaker
        .describe_model_package_group()
        .model_package_group_name(group)
        .send()
        .await
        .is_ok();
    if !exists {
        emu.sagemaker
            .create_model_package_group()
            .model_package_group_name(group)
            .send()
            .await?;
    }
    let spec = InferenceSpecification::builder()
        .containers(
            ModelPackageContainerDefinition::builder()
                .image("683313688378.dkr.ecr.us-east-1.amazonaws.com/sagemaker-xgboost:1.7-1")
                .model_data_url("s3://models/churn/model.tar.gz")
                .build(),
        )
        .supported_content_types("text/csv")
        .supported_response_mime_types("text/csv")
        .build();
    let mut request = emu
        .sagemaker
        .create_model_package()
        .model_package_group_name(group)
        .model_approval_status(ModelApprovalStatus::from(approval))
        .inference_specification(spec)
        .tags(Tag::builder().key("owner").value("alice").build())
        .tags(
            Tag::builder()
                .key("cost-center")
                .value("ml-research")
                .build(),
        );
    if posture == Posture::Compliant {
        request = request.security_config(
            ModelPackageSecurityConfig::builder()
                .kms_key_id(KEY)
                .build(),
        );
    }
    let created = request.send().await?;
    Ok(created.model_package_arn().unwrap_or_default().to_string())
}

/// Creates a running MLflow tracking server; non-compliant: its bucket expected to be owned by
/// another account, unchecked.
pub async fn create_mlflow_server(emu: &Emulator, name: &str, posture: Posture) -> TestResult {
    let mut request = emu
        .sagemaker
        .create_mlflow_tracking_server()
        .tracking_server_name(name)
        .artifact_store_uri("s3://mlflow-artifacts/team/")
        .role_arn(ROLE)
        .tags(
            aws_sdk_sagemaker::types::Tag::builder()
                .key("owner")
                .value("alice")
                .build(),
        );
    if posture == Posture::NonCompliant {
        request = request
            .s3_bucket_owner_account_id("210987654321")
            .s3_bucket_owner_verification(false);
    }
    request.send().await?;
    Ok(())
}

pub async fn mlflow_server_status(emu: &Emulator, name: &str) -> TestResult<String> {
    let described = emu
        .sagemaker
        .describe_mlflow_tracking_server()
        .tracking_server_name(name)
        .send()
        .await?;
    Ok(described
        .tracking_server_status()
        .map(|s| s.as_str().to_string())
        .unwrap_or_default())
}

/// Creates an MLflow app; compliant: its data encrypted with `KEY`. Returns its ARN.
pub async fn create_mlflow_app(emu: &Emulator, name: &str, posture: Posture) -> TestResult<String> {
    let mut request = emu
        .sagemaker
        .create_mlflow_app()
        .name(name)
        .artifact_store_uri("s3://mlflow-artifacts/app/")
        .role_arn(ROLE)
        .tags(
            aws_sdk_sagemaker::types::Tag::builder()
                .key("owner")
                .value("alice")
                .build(),
        );
    if posture == Posture::Compliant {
        request = request.kms_key_id(KEY);
    }
    Ok(request.send().await?.arn().unwrap_or_default().to_string())
}

/// The status of the app `arn`; `None` once it is deleted.
pub async fn mlflow_app_status(emu: &Emulator, arn: &str) -> TestResult<Option<String>> {
    match emu.sagemaker.describe_mlflow_app().arn(arn).send().await {
        Ok(app) => Ok(app.status().map(|s| s.as_str().to_string())),
        Err(e)
            if e.as_service_error()
                .is_some_and(|e| e.is_resource_not_found()) =>
        {
            Ok(None)
        }
        Err(e) => Err(e.into()),
    }
}

/// Creates a running shadow test of variant `shadow` against `prod` on an endpoint; compliant:
/// instance storage and captured data encrypted with `KEY`.
pub async fn create_inference_experiment(
    emu: &Emulator,
    name: &str,
    posture: Posture,
) -> TestResult {
    use aws_sdk_sagemaker::types::{
        InferenceExperimentDataStorageConfig, InferenceExperimentType, ModelInfrastructureConfig,
        ModelInfrastructureType, ModelVariantConfig, RealTimeInferenceConfig, ShadowModeConfig,
        ShadowModelVariantConfig,
    };
    let variant = |model: &str| -> ModelVariantConfig {
        let realtime = RealTimeInferenceConfig::builder()
            .instance_type(aws_sdk_sagemaker::types::ProductionVariantInstanceType::MlM5Xlarge)
            .instance_count(1)
            .build();
        let infrastructure = ModelInfrastructureConfig::builder()
            .infrastructure_type(ModelInfrastructureType::RealTimeInference)
            .real_time_inference_config(realtime)
            .build();
        ModelVariantConfig::builder()
            .model_name(model)
            .variant_name(model)
            .infrastructure_config(infrastructure)
            .build()
    };
    let shadow = ShadowModeConfig::builder()
        .source_model_variant_name("prod")
        .shadow_model_variants(
            ShadowModelVariantConfig::builder()
                .shadow_model_variant_name("shadow")
                .sampling_percentage(50)
                .build(),
        )
        .build();
    let mut capture =
        InferenceExperimentDataStorageConfig::builder().destination("s3://capture/shadow/");
    let mut request = emu
        .sagemaker
        .create_inference_experiment()
        .name(name)
        .r#type(InferenceExperimentType::ShadowMode)
        .role_arn(ROLE)
        .endpoint_name("fraud-api")
        .model_variants(variant("prod"))
        .model_variants(variant("shadow"))
        .shadow_mode_config(shadow)
        .tags(
            aws_sdk_sagemaker::types::Tag::builder()
                .key("owner")
                .value("alice")
                .build(),
        );
    if posture == Posture::Compliant {
        capture = capture.kms_key(KEY);
        request = request.kms_key(KEY);
    }
    request.data_storage_config(capture.build()).send().await?;
    Ok(())
}

pub async fn inference_experiment_status(emu: &Emulator, name: &str) -> TestResult<String> {
    let described = emu
        .sagemaker
        .describe_inference_experiment()
        .name(name)
        .send()
        .await?;
    Ok(described
        .status()
        .map(|s| s.as_str().to_string())
        .unwrap_or_default())
}

/// Creates an `IN_PROGRESS` Inference Recommender job; compliant: in the VPC, its endpoints'
/// volumes encrypted with `KEY`.
pub async fn create_recommendation_job(emu: &Emulator, name: &str, posture: Posture) -> TestResult {
    use aws_sdk_sagemaker::types::{
        RecommendationJobInputConfig, RecommendationJobType, RecommendationJobVpcConfig,
    };
    let mut input = RecommendationJobInputConfig::builder().model_package_version_arn(
        "arn:aws:sagemaker:us-east-1:123456789012:model-package/churn-model/3",
    );
    if posture == Posture::Compliant {
        let vpc = RecommendationJobVpcConfig::builder()
            .subnets(SUBNET)
            .security_group_ids(GROUP)
            .build();
        input = input.volume_kms_key_id(KEY).vpc_config(vpc);
    }
    emu.sagemaker
        .create_inference_recommendations_job()
        .job_name(name)
        .job_type(RecommendationJobType::Default)
        .role_arn(ROLE)
        .input_config(input.build())
        .tags(
            aws_sdk_sagemaker::types::Tag::builder()
                .key("owner")
                .value("alice")
                .build(),
        )
        .send()
        .await?;
    Ok(())
}

pub async fn recommendation_job_status(emu: &Emulator, name: &str) -> TestResult<String> {
    let described = emu
        .sagemaker
        .describe_inference_recommendations_job()
        .job_name(name)
        .send()
        .await?;
    Ok(described
        .status()
        .map(|s| s.as_str().to_string())
        .unwrap_or_default())
}

/// Creates an `Active` A2I flow definition reviewed by `workteam`, its reviews written with
/// `KEY`.
pub async fn create_flow_definition(emu: &Emulator, name: &str, workteam: &str) -> TestResult {
    use aws_sdk_sagemaker::types::{FlowDefinitionOutputConfig, HumanLoopConfig};
    let human_loop = HumanLoopConfig::builder()
        .workteam_arn(workteam)
        .human_task_ui_arn(
            "arn:aws:sagemaker:us-east-1:123456789012:human-task-ui/claims-review-ui",
        )
        .task_title("Review extracted claim fields")
        .task_description("Check the fields the model was unsure of")
        .task_count(1)
        .build();
    emu.sagemaker
        .create_flow_definition()
        .flow_definition_name(name)
        .human_loop_config(human_loop)
        .output_config(
            FlowDefinitionOutputConfig::builder()
                .s3_output_path("s3://data/claims/reviews/")
                .kms_key_id(KEY)
                .build(),
        )
        .role_arn(ROLE)
        .tags(
            aws_sdk_sagemaker::types::Tag::builder()
                .key("owner")
                .value("alice")
                .build(),
        )
        .send()
        .await?;
    Ok(())
}

/// The status of flow definition `name`; `None` once it is deleted.
pub async fn flow_definition_status(emu: &Emulator, name: &str) -> TestResult<Option<String>> {
    match emu
        .sagemaker
        .describe_flow_definition()
        .flow_definition_name(name)
        .send()
        .await
    {
        Ok(flow) => Ok(flow
            .flow_definition_status()
            .map(|s| s.as_str().to_string())),
        Err(e)
            if e.as_service_error()
                .is_some_and(|e| e.is_resource_not_found()) =>
        {
            Ok(None)
        }
        Err(e) => Err(e.into()),
    }
}

/// Sets the approval status of the version `arn`, as `client`'s caller.
pub async fn set_model_approval(
    client: &aws_sdk_sagemaker::Client,
    arn: &str,
    approval: &str,
) -> TestResult {
    client
        .update_model_package()
        .model_package_arn(arn)
        .model_approval_status(aws_sdk_sagemaker::types::ModelApprovalStatus::from(
            approval,
        ))
        .send()
        .await?;
    Ok(())
}

/// The approval status of the version `arn`.
pub async fn model_approval(emu: &Emulator, arn: &str) -> TestResult<String> {
    let described = emu
        .sagemaker
        .describe_model_package()
        .model_package_name(arn)
        .send()
        .await?;
    Ok(described
        .model_approval_status()
        .map(|s| s.as_str().to_string())
        .unwrap_or_default())
}

/// Creates an `INPROGRESS` optimization job (quantization) with `environment`. Compliant: in
/// the VPC, its output with `KEY`.
pub async fn create_optimization_job(
    emu: &Emulator,
    name: &str,
    posture: Posture,
    environment: &[(&str, &str)],
) -> TestResult {
    use aws_sdk_sagemaker::types::{
        ModelQuantizationConfig, OptimizationConfig, OptimizationJobDeploymentInstanceType,
        OptimizationJobModelSource, OptimizationJobModelSourceS3, OptimizationJobOutputConfig,
        OptimizationVpcConfig, StoppingCondition,
    };
    let compliant = posture == Posture::Compliant;
    let mut output = OptimizationJobOutputConfig::builder().s3_output_location("s3://models/int8/");
    if compliant {
        output = output.kms_key_id(KEY);
    }
    let mut request = emu
        .sagemaker
        .create_optimization_job()
        .optimization_job_name(name)
        .role_arn(ROLE)
        .model_source(
            OptimizationJobModelSource::builder()
                .s3(OptimizationJobModelSourceS3::builder()
                    .s3_uri("s3://models/llm/")
                    .build())
                .build(),
        )
        .deployment_instance_type(OptimizationJobDeploymentInstanceType::MlG52Xlarge)
        .optimization_configs(OptimizationConfig::ModelQuantizationConfig(
            ModelQuantizationConfig::builder().build(),
        ))
        .output_config(output.build())
        .stopping_condition(
            StoppingCondition::builder()
                .max_runtime_in_seconds(3600)
                .build(),
        )
        .set_tags(Some(tags_with_status(None)?));
    for (key, value) in environment {
        request = request.optimization_environment(*key, *value);
    }
    if compliant {
        request = request.vpc_config(
            OptimizationVpcConfig::builder()
                .subnets(SUBNET)
                .security_group_ids(GROUP)
                .build(),
        );
    }
    request.send().await?;
    Ok(())
}

/// An optimization job's status.
pub async fn optimization_status(emu: &Emulator, name: &str) -> TestResult<String> {
    let described = emu
        .sagemaker
        .describe_optimization_job()
        .optimization_job_name(name)
        .send()
        .await?;
    Ok(described
        .optimization_job_status()
        .map(|s| s.as_str().to_string())
        .unwrap_or_default())
}

/// A compilation job's status.
pub async fn compilation_status(emu: &Emulator, name: &str) -> TestResult<String> {
    let described = emu
        .sagemaker
        .describe_compilation_job()
        .compilation_job_name(name)
        .send()
        .await?;
    Ok(described
        .compilation_job_status()
        .map(|s| s.as_str().to_string())
        .unwrap_or_default())
}

/// An AutoML job's status.
pub async fn automl_status(emu: &Emulator, name: &str) -> TestResult<String> {
    let described = emu
        .sagemaker
        .describe_auto_ml_job_v2()
        .auto_ml_job_name(name)
        .send()
        .await?;
    Ok(described
        .auto_ml_job_status()
        .map(|s| s.as_str().to_string())
        .unwrap_or_default())
}

/// Creates a non-compliant InProgress training job as if the tuning job `tuning_job_arn` had
/// launched it (the emulator answers the tag as its `TuningJobArn`).
pub async fn create_tuning_child(emu: &Emulator, name: &str, tuning_job_arn: &str) -> TestResult {
    let mut tags = tags_with_status(None)?;
    tags.extend(self::tags(&[(TUNING_JOB_TAG, tuning_job_arn)])?);
    create_training_job_with(emu, name, Posture::NonCompliant, SUBNET, tags, None).await
}

async fn create_training_job_with(
    emu: &Emulator,
    name: &str,
    posture: Posture,
    subnet: &str,
    tags: Vec<Tag>,
    resources: Option<ResourceConfig>,
) -> TestResult {
    create_training_job_full(emu, name, posture, subnet, tags, resources, &[]).await
}

/// A training job as `create_training_job_with` makes it, with `hyper_parameters`.
async fn create_training_job_full(
    emu: &Emulator,
    name: &str,
    posture: Posture,
    subnet: &str,
    tags: Vec<Tag>,
    resources: Option<ResourceConfig>,
    hyper_parameters: &[(&str, &str)],
) -> TestResult {
    let compliant = posture == Posture::Compliant;
    let (default_resources, output) = training_storage(compliant, "s3://models/churn/");
    let resources = resources.unwrap_or(default_resources);
    let mut req = emu
        .sagemaker
        .create_training_job()
        .training_job_name(name)
        .algorithm_specification(
            AlgorithmSpecification::builder()
                .training_image(IMAGE)
                .training_input_mode(TrainingInputMode::File)
                .build(),
        )
        .role_arn(ROLE)
        .output_data_config(output)
        .resource_config(resources)
        .stopping_condition(
            StoppingCondition::builder()
                .max_runtime_in_seconds(3600)
                .build(),
        )
        .enable_network_isolation(compliant)
        .enable_inter_container_traffic_encryption(compliant)
        .set_tags(Some(tags));
    if compliant {
        req = req.vpc_config(
            VpcConfig::builder()
                .subnets(subnet)
                .security_group_ids(GROUP)
                .build(),
        );
    }
    for (key, value) in hyper_parameters {
        req = req.hyper_parameters(*key, *value);
    }
    req.send().await?;
    Ok(())
}

/// Creates a processing job; `initial_status` uses the emulator extension (default InProgress).
pub async fn create_processing_job(
    emu: &Emulator,
    name: &str,
    posture: Posture,
    initial_status: Option<&str>,
) -> TestResult {
    let compliant = posture == Posture::Compliant;
    let mut cluster = ProcessingClusterConfig::builder()
        .instance_count(1)
        .instance_type(ProcessingInstanceType::MlM5Xlarge)
        .volume_size_in_gb(30);
    let mut network = NetworkConfig::builder()
        .enable_inter_container_traffic_encryption(compliant)
        .enable_network_isolation(compliant);
    let mut output = ProcessingOutputConfig::builder().set_outputs(Some(vec![]));
    if compliant {
        cluster = cluster.volume_kms_key_id(KEY);
        network = network.vpc_config(vpc());
        output = output.kms_key_id(KEY);
    }
    emu.sagemaker
        .create_processing_job()
        .processing_job_name(name)
        .processing_resources(
            ProcessingResources::builder()
                .cluster_config(cluster.build())
                .build(),
        )
        .processing_output_config(output.build())
        .network_config(network.build())
        .app_specification(AppSpecification::builder().image_uri(IMAGE).build())
        .stopping_condition(
            ProcessingStoppingCondition::builder()
                .max_runtime_in_seconds(3600)
                .build(),
        )
        .role_arn(ROLE)
        .set_tags(Some(tags_with_status(initial_status)?))
        .send()
        .await?;
    Ok(())
}

/// Tag `owner`, plus the emulator's initial-status tag when given.
fn tags_with_status(initial_status: Option<&str>) -> TestResult<Vec<Tag>> {
    let mut pairs = vec![("owner", "alice")];
    if let Some(s) = initial_status {
        pairs.push((INITIAL_STATUS_TAG, s));
    }
    tags(&pairs)
}

/// Where the tests' HyperPod lifecycle scripts come from (moto takes only `s3://sagemaker-...`).
pub const CLUSTER_SCRIPTS: &str = "s3://sagemaker-platform-lcc/hyperpod/";

/// Creates an `InService` HyperPod cluster with one instance group and answers its ARN.
/// Compliant: in the VPC, root and secondary volumes with `KEY`, scripts from
/// [`CLUSTER_SCRIPTS`]; non-compliant: no VPC, no root volume key, a secondary volume without a
/// key, scripts from a scratch bucket.
pub async fn create_cluster(emu: &Emulator, name: &str, posture: Posture) -> TestResult<String> {
    use aws_sdk_sagemaker::types::{
        ClusterEbsVolumeConfig, ClusterInstanceGroupSpecification, ClusterInstanceStorageConfig,
        ClusterInstanceType, ClusterLifeCycleConfig,
    };
    let compliant = posture == Posture::Compliant;
    let volume = |root: bool| {
        let mut ebs = ClusterEbsVolumeConfig::builder();
        ebs = if root {
            ebs.root_volume(true)
        } else {
            ebs.volume_size_in_gb(500)
        };
        if compliant {
            ebs = ebs.volume_kms_key_id(KEY);
        }
        ClusterInstanceStorageConfig::EbsVolumeConfig(ebs.build())
    };
    let scripts = if compliant {
        CLUSTER_SCRIPTS
    } else {
        "s3://sagemaker-scratch-alice/lcc/"
    };
    let mut group = ClusterInstanceGroupSpecification::builder()
        .instance_group_name("workers")
        .instance_type(ClusterInstanceType::MlM5Xlarge)
        .instance_count(2)
        .life_cycle_config(
            ClusterLifeCycleConfig::builder()
                .source_s3_uri(scripts)
                .on_create("on_create.sh")
                .build(),
        )
        .execution_role(ROLE)
        .threads_per_core(1)
        .instance_storage_configs(volume(false));
    if compliant {
        group = group.instance_storage_configs(volume(true));
    }
    let mut request = emu
        .sagemaker
        .create_cluster()
        .cluster_name(name)
        .instance_groups(group.build())
        .set_tags(Some(tags_with_status(None)?));
    if compliant {
        request = request.vpc_config(
            VpcConfig::builder()
                .subnets(SUBNET)
                .security_group_ids(GROUP)
                .build(),
        );
    }
    let created = request.send().await?;
    Ok(created.cluster_arn().unwrap_or_default().to_string())
}

/// Creates a model; compliant means inside the VPC with network isolation.
pub async fn create_model(emu: &Emulator, name: &str, posture: Posture) -> TestResult {
    let compliant = posture == Posture::Compliant;
    let mut model = emu
        .sagemaker
        .create_model()
        .model_name(name)
        .execution_role_arn(ROLE)
        .primary_container(
            ContainerDefinition::builder()
                .image(IMAGE)
                .model_data_url("s3://models/m.tar.gz")
                .build(),
        )
        .enable_network_isolation(compliant);
    if compliant {
        model = model.vpc_config(vpc());
    }
    model.send().await?;
    Ok(())
}

/// Creates a model and a transform job of the same name; `initial_status` uses the emulator
/// extension (default InProgress).
pub async fn create_transform_job(
    emu: &Emulator,
    name: &str,
    posture: Posture,
    initial_status: Option<&str>,
) -> TestResult {
    let compliant = posture == Posture::Compliant;
    create_model(emu, name, posture).await?;
    let mut resources = TransformResources::builder()
        .instance_type(TransformInstanceType::MlM5Xlarge)
        .instance_count(1);
    let mut output = TransformOutput::builder().s3_output_path("s3://batch/out/");
    if compliant {
        resources = resources.volume_kms_key_id(KEY);
        output = output.kms_key_id(KEY);
    }
    emu.sagemaker
        .create_transform_job()
        .transform_job_name(name)
        .model_name(name)
        .transform_input(
            TransformInput::builder()
                .data_source(
                    TransformDataSource::builder()
                        .s3_data_source(
                            TransformS3DataSource::builder()
                                .s3_data_type(S3DataType::S3Prefix)
                                .s3_uri("s3://batch/in/")
                                .build(),
                        )
                        .build(),
                )
                .build(),
        )
        .transform_output(output.build())
        .transform_resources(resources.build())
        .set_tags(Some(tags_with_status(initial_status)?))
        .send()
        .await?;
    Ok(())
}

/// The instances and output of a training job (or tuning definition), with customer managed keys
/// when compliant.
fn training_storage(compliant: bool, output_path: &str) -> (ResourceConfig, OutputDataConfig) {
    let mut resources = ResourceConfig::builder()
        .instance_type(TrainingInstanceType::MlM5Xlarge)
        .instance_count(2)
        .volume_size_in_gb(50);
    let mut output = OutputDataConfig::builder().s3_output_path(output_path);
    if compliant {
        resources = resources.volume_kms_key_id(KEY);
        output = output.kms_key_id(KEY);
    }
    (resources.build(), output.build())
}

/// Creates a hyperparameter tuning job with one training job definition; `initial_status`
/// uses the emulator extension (default InProgress).
pub async fn create_tuning_job(
    emu: &Emulator,
    name: &str,
    posture: Posture,
    initial_status: Option<&str>,
) -> TestResult {
    create_tuning_job_with(emu, name, posture, initial_status, None).await
}

/// Creates a tuning job compliant in every other setting whose definition names its instances
/// and volume key in `HyperParameterTuningResourceConfig` instead of `ResourceConfig`.
pub async fn create_tuning_job_on(
    emu: &Emulator,
    name: &str,
    resources: HyperParameterTuningResourceConfig,
) -> TestResult {
    create_tuning_job_with(emu, name, Posture::Compliant, None, Some(resources)).await
}

async fn create_tuning_job_with(
    emu: &Emulator,
    name: &str,
    posture: Posture,
    initial_status: Option<&str>,
    tuning_resources: Option<HyperParameterTuningResourceConfig>,
) -> TestResult {
    let compliant = posture == Posture::Compliant;
    let (resources, output) = training_storage(compliant, "s3://models/hpo/");
    let mut definition = HyperParameterTrainingJobDefinition::builder()
        .definition_name("xgb")
        .algorithm_specification(
            HyperParameterAlgorithmSpecification::builder()
                .training_image(IMAGE)
                .training_input_mode(TrainingInputMode::File)
                .build(),
        )
        .role_arn(ROLE)
        .output_data_config(output)
        .stopping_condition(
            StoppingCondition::builder()
                .max_runtime_in_seconds(3600)
                .build(),
        )
        .enable_network_isolation(compliant)
        .enable_inter_container_traffic_encryption(compliant);
    definition = match tuning_resources {
        Some(tuning) => definition.hyper_parameter_tuning_resource_config(tuning),
        None => definition.resource_config(resources),
    };
    if compliant {
        definition = definition.vpc_config(vpc());
    }
    emu.sagemaker
        .create_hyper_parameter_tuning_job()
        .hyper_parameter_tuning_job_name(name)
        .hyper_parameter_tuning_job_config(
            HyperParameterTuningJobConfig::builder()
                .strategy(HyperParameterTuningJobStrategyType::Bayesian)
                .resource_limits(
                    ResourceLimits::builder()
                        .max_number_of_training_jobs(4)
                        .max_parallel_training_jobs(2)
                        .build(),
                )
                .build(),
        )
        .training_job_definitions(definition.build())
        .set_tags(Some(tags_with_status(initial_status)?))
        .send()
        .await?;
    Ok(())
}

/// Creates a model, an endpoint configuration and an endpoint of the same name.
pub async fn create_endpoint(
    emu: &Emulator,
    name: &str,
    posture: Posture,
    initial_status: Option<&str>,
) -> TestResult {
    let compliant = posture == Posture::Compliant;
    create_model(emu, name, posture).await?;
    let mut config = emu
        .sagemaker
        .create_endpoint_config()
        .endpoint_config_name(name)
        .production_variants(
            ProductionVariant::builder()
                .variant_name("AllTraffic")
                .model_name(name)
                .initial_instance_count(if compliant { 2 } else { 1 })
                .instance_type(ProductionVariantInstanceType::MlM5Large)
                .build(),
        );
    if compliant {
        config = config.kms_key_id(KEY).data_capture_config(
            DataCaptureConfig::builder()
                .enable_capture(true)
                .initial_sampling_percentage(10)
                .destination_s3_uri("s3://capture/")
                .kms_key_id(KEY)
                .capture_options(
                    CaptureOption::builder()
                        .capture_mode(CaptureMode::Input)
                        .build(),
                )
                .build(),
        );
    }
    config.send().await?;
    emu.sagemaker
        .create_endpoint()
        .endpoint_name(name)
        .endpoint_config_name(name)
        .set_tags(Some(tags_with_status(initial_status)?))
        .send()
        .await?;
    Ok(())
}

/// A sample event from `events/`, its resource renamed and its id made unique (like a new event).
pub fn sample_event(path: &str, from_name: &str, to_name: &str) -> TestResult<Value> {
    let file = format!("{}/../events/{path}", env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(&file).map_err(|e| format!("{file}: {e}"))?;
    let mut event: Value = serde_json::from_str(&text.replace(from_name, to_name))?;
    event["id"] = Value::String(unique("event"));
    Ok(event)
}

/// An SNS topic whose deliveries land in an SQS queue.
pub struct AlertChannel {
    pub topic_arn: String,
    queue_url: String,
    sqs: aws_sdk_sqs::Client,
}

/// An SNS notification as delivered to SQS.
#[derive(Debug)]
pub struct Delivered {
    pub subject: String,
    /// The message body (`default` of the JSON structure): the finding document.
    pub finding: Value,
    pub attributes: Value,
}

impl AlertChannel {
    /// Reads deliveries until `count` arrived or `within` passed; then waits a little more so an
    /// unexpected extra message is seen too.
    pub async fn receive(&self, count: usize, within: Duration) -> TestResult<Vec<Delivered>> {
        let deadline = Instant::now() + within;
        let mut out = Vec::new();
        loop {
            let settled = out.len() >= count;
            let out_of_time = Instant::now() >= deadline;
            let wait = if settled || out_of_time { 1 } else { 2 };
            let batch = self
                .sqs
                .receive_message()
                .queue_url(&self.queue_url)
                .max_number_of_messages(10)
                .wait_time_seconds(wait)
                .send()
                .await?;
            let messages = batch.messages();
            for m in messages {
                let envelope: Value = serde_json::from_str(m.body().unwrap_or("{}"))?;
                let body = envelope["Message"].as_str().unwrap_or("null");
                out.push(Delivered {
                    subject: envelope["Subject"].as_str().unwrap_or_default().to_string(),
                    finding: serde_json::from_str(body)?,
                    attributes: envelope["MessageAttributes"].clone(),
                });
                if let Some(handle) = m.receipt_handle() {
                    self.sqs
                        .delete_message()
                        .queue_url(&self.queue_url)
                        .receipt_handle(handle)
                        .send()
                        .await?;
                }
            }
            if (settled || out_of_time) && messages.is_empty() {
                return Ok(out);
            }
        }
    }
}

impl Delivered {
    /// A message attribute's value as delivered (`String.Array` values are JSON text).
    pub fn attribute(&self, name: &str) -> Option<&str> {
        self.attributes[name]["Value"].as_str()
    }
}

/// The Security Hub findings (read with `client`) whose resource is `arn`.
///
/// The SDK's deserializer for the full ASFF shape needs more stack than a test thread has in
/// debug builds, so the reading runs on a thread of its own.
pub fn security_hub_findings(
    client: aws_sdk_securityhub::Client,
    arn: &str,
) -> TestResult<Vec<aws_sdk_securityhub::types::AwsSecurityFinding>> {
    let arn = arn.to_string();
    std::thread::Builder::new()
        .stack_size(64 << 20)
        .spawn(
            move || -> TestResult<Vec<aws_sdk_securityhub::types::AwsSecurityFinding>> {
                let runtime = tokio::runtime::Builder::new_current_thread()
                    .enable_all()
                    .build()?;
                runtime.block_on(async {
                    let mut imported = Vec::new();
                    let mut pages = client
                        .get_findings()
                        .max_results(100)
                        .into_paginator()
                        .items()
                        .send();
                    while let Some(f) = pages.next().await {
                        let f = f?;
                        if f.resources().first().and_then(|r| r.id()) == Some(arn.as_str()) {
                            imported.push(f);
                        }
                    }
                    Ok(imported)
                })
            },
        )?
        .join()
        .map_err(|_| "reader thread panicked")?
}

/// The real adapter, counting the describe calls made through it, and the reads that came with
/// their tags from a bulk read.
pub struct CountingReader<T> {
    inner: T,
    describes: std::sync::atomic::AtomicUsize,
    tagged: std::sync::atomic::AtomicUsize,
}

impl<T> CountingReader<T> {
    pub fn new(inner: T) -> CountingReader<T> {
        CountingReader {
            inner,
            describes: std::sync::atomic::AtomicUsize::new(0),
            tagged: std::sync::atomic::AtomicUsize::new(0),
        }
    }

    pub fn describes(&self) -> usize {
        self.describes.load(Ordering::Relaxed)
    }

    /// Reads whose tags a bulk read gave (no `ListTags`).
    pub fn bulk_tagged(&self) -> usize {
        self.tagged.load(Ordering::Relaxed)
    }
}

impl<T: ResourceReader> ResourceReader for CountingReader<T> {
    async fn describe(&self, id: &ResourceId) -> Result<Option<Snapshot>, AwsError> {
        self.describes.fetch_add(1, Ordering::Relaxed);
        self.inner.describe(id).await
    }

    /// (what a bulk read gave is counted as the describe it spares or makes)
    async fn read_known(
        &self,
        id: &ResourceId,
        known: &guardrail_core::ports::Known,
    ) -> Result<Option<Snapshot>, AwsError> {
        if known.record.is_none() {
            self.describes.fetch_add(1, Ordering::Relaxed);
        }
        if known.tags.is_some() {
            self.tagged.fetch_add(1, Ordering::Relaxed);
        }
        self.inner.read_known(id, known).await
    }

    async fn component_endpoint(&self, component: &ResourceId) -> Result<Option<String>, AwsError> {
        self.inner.component_endpoint(component).await
    }

    async fn running_apps(&self, scope: &ResourceId) -> Result<Vec<ResourceId>, AwsError> {
        self.inner.running_apps(scope).await
    }
}

impl<T: Remediator> Remediator for CountingReader<T> {
    async fn remediate(&self, id: &ResourceId, action: &Action) -> Result<(), AwsError> {
        self.inner.remediate(id, action).await
    }
}

/// The inspector as the functions build it (baseline policy, in-memory store, Security Hub off),
/// with its SageMaker describes counted.
pub type CountingInspector = guardrail_core::Inspector<(
    CountingReader<PerAccount<SageMaker>>,
    PerAccount<Ec2Subnets>,
    SnsPublisher,
    SqliteStore,
    Option<SecurityHub>,
    PerAccount<CloudTrail>,
)>;

pub fn counting_inspector(
    fleet: Arc<Fleet>,
    config: &aws_config::SdkConfig,
    topic_arn: &str,
) -> TestResult<CountingInspector> {
    Ok(guardrail_core::Inspector::new(
        CountingReader::new(PerAccount::new(fleet.clone(), |c| {
            SageMaker::new(aws_sdk_sagemaker::Client::new(c))
        })),
        PerAccount::new(fleet.clone(), |c| {
            Ec2Subnets::new(aws_sdk_ec2::Client::new(c))
        }),
        SnsPublisher::new(aws_sdk_sns::Client::new(config), topic_arn),
        SqliteStore::in_memory()?,
        None,
        PerAccount::new(fleet, |c| {
            CloudTrail::new(aws_sdk_cloudtrail::Client::new(c))
        }),
        central_keys()?,
    ))
}

/// The baseline policy of a deployment whose member accounts use the home account's keys (a
/// central key account, with no organisation here): `key_accounts` trusts it.
pub fn central_keys() -> TestResult<guardrail_core::Policy> {
    let trusted = format!(
        "[controls.volume-kms]\nkey_accounts = [\"{ACCOUNT}\"]\n\
         [controls.output-kms]\nkey_accounts = [\"{ACCOUNT}\"]\n"
    );
    Ok(guardrail_core::Policy::from_toml(&trusted, "central keys")?)
}

/// The inspector the emulator tests build: SageMaker, EC2, SNS and CloudTrail on the emulator,
/// a SQLite store, Security Hub off.
pub type EmulatorInspector = guardrail_core::Inspector<(
    SageMaker,
    Ec2Subnets,
    SnsPublisher,
    SqliteStore,
    Option<SecurityHub>,
    CloudTrail,
)>;

/// The inspector on the emulator, with a store of its own (each test is one deployment).
pub fn inspector(
    emu: &Emulator,
    topic: &str,
    policy: guardrail_core::Policy,
) -> TestResult<EmulatorInspector> {
    with_store(emu, topic, policy, SqliteStore::in_memory()?)
}

/// The inspector on the emulator with `store`, alerting to `topic` under `policy`.
pub fn with_store(
    emu: &Emulator,
    topic: &str,
    policy: guardrail_core::Policy,
    store: SqliteStore,
) -> TestResult<EmulatorInspector> {
    Ok(guardrail_core::Inspector::new(
        SageMaker::new(emu.sagemaker.clone()),
        Ec2Subnets::new(emu.ec2.clone()),
        SnsPublisher::new(emu.sns.clone(), topic),
        store,
        None,
        CloudTrail::new(emu.cloudtrail.clone()),
        policy,
    ))
}

/// Calls one of the emulator's own control endpoints (`/_guardrail/...`, see
/// `tests/emulator/README.md`) and returns the response body; a status other than 2xx is an error.
pub fn emulator_control(method: &str, path: &str, body: &str) -> TestResult<String> {
    use std::io::{Read, Write};
    let url = std::env::var("AWS_ENDPOINT_URL")?;
    let host = url.trim_start_matches("http://").trim_end_matches('/');
    let mut stream = std::net::TcpStream::connect(host)?;
    stream.set_read_timeout(Some(Duration::from_secs(10)))?;
    write!(
        stream,
        "{method} {path} HTTP/1.1\r\nHost: {host}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    )?;
    let mut response = String::new();
    stream.read_to_string(&mut response)?;
    let (head, payload) = response.split_once("\r\n\r\n").unwrap_or((&response, ""));
    let ok = head
        .split(' ')
        .nth(1)
        .is_some_and(|code| code.starts_with('2'));
    if !ok {
        return Err(format!("{method} {path}: {head}: {payload}").into());
    }
    Ok(payload.to_string())
}

/// An SDK config like the functions', signing with `access_key_id`: the emulator's fault
/// injection can then target these calls alone (`access_key_ids`).
pub async fn config_signed_as(access_key_id: &str) -> aws_config::SdkConfig {
    let credentials =
        aws_credential_types::Credentials::new(access_key_id, "testing", None, None, "tests");
    guardrail_aws::load_config()
        .await
        .into_builder()
        .credentials_provider(
            aws_credential_types::provider::SharedCredentialsProvider::new(credentials),
        )
        .build()
}

/// A Studio domain named `name` in the allowed subnet, its apps in the allowed security group,
/// with the home volume key, `VpcOnly` or public, tagged with an owner; returns its id.
pub async fn create_domain(emu: &Emulator, name: &str, vpc_only: bool) -> TestResult<String> {
    use aws_sdk_sagemaker::types::{AppNetworkAccessType, AuthMode, UserSettings};
    let access = if vpc_only {
        AppNetworkAccessType::VpcOnly
    } else {
        AppNetworkAccessType::PublicInternetOnly
    };
    let created = emu
        .sagemaker
        .create_domain()
        .domain_name(name)
        .auth_mode(AuthMode::Iam)
        .default_user_settings(
            UserSettings::builder()
                .execution_role(STUDIO_ROLE)
                .security_groups(GROUP)
                .build(),
        )
        .subnet_ids(SUBNET)
        .vpc_id("vpc-0a1b2c3d4e5f60001")
        .app_network_access_type(access)
        .kms_key_id(KEY)
        .tags(Tag::builder().key("owner").value("alice").build())
        .send()
        .await?;
    Ok(created
        .domain_id()
        .ok_or("CreateDomain gave no id")?
        .to_string())
}

/// The execution role of the Studio test domains' users.
pub const STUDIO_ROLE: &str = "arn:aws:iam::123456789012:role/SageMakerStudioTeamFraud";

/// A user profile of `domain` with its own security groups (none: the domain's).
pub async fn create_user_profile(
    emu: &Emulator,
    domain: &str,
    name: &str,
    groups: &[&str],
) -> TestResult {
    use aws_sdk_sagemaker::types::UserSettings;
    let mut settings = UserSettings::builder();
    for group in groups {
        settings = settings.security_groups(*group);
    }
    emu.sagemaker
        .create_user_profile()
        .domain_id(domain)
        .user_profile_name(name)
        .user_settings(settings.build())
        .tags(Tag::builder().key("owner").value("alice").build())
        .send()
        .await?;
    Ok(())
}

/// A shared space of `domain`, tagged with an owner.
pub async fn create_space(emu: &Emulator, domain: &str, name: &str) -> TestResult {
    emu.sagemaker
        .create_space()
        .domain_id(domain)
        .space_name(name)
        .tags(Tag::builder().key("owner").value("alice").build())
        .send()
        .await?;
    Ok(())
}

/// A running app `default` of type `app_type` of a user profile (or, `space:NAME`, a space).
pub async fn create_app(emu: &Emulator, domain: &str, owner: &str, app_type: &str) -> TestResult {
    use aws_sdk_sagemaker::types::AppType;
    let request = emu
        .sagemaker
        .create_app()
        .domain_id(domain)
        .app_type(AppType::from(app_type))
        .app_name("default")
        .tags(Tag::builder().key("owner").value("alice").build());
    let request = match owner.strip_prefix("space:") {
        Some(space) => request.space_name(space),
        None => request.user_profile_name(owner),
    };
    request.send().await?;
    Ok(())
}

impl Emulator {
    /// The status of app `default` of type `app_type` of a user profile (or `space:NAME`).
    pub async fn app_status(
        &self,
        domain: &str,
        owner: &str,
        app_type: &str,
    ) -> TestResult<String> {
        use aws_sdk_sagemaker::types::AppType;
        let request = self
            .sagemaker
            .describe_app()
            .domain_id(domain)
            .app_type(AppType::from(app_type))
            .app_name("default");
        let request = match owner.strip_prefix("space:") {
            Some(space) => request.space_name(space),
            None => request.user_profile_name(owner),
        };
        let described = request.send().await?;
        Ok(described
            .status()
            .map(|s| s.as_str().to_string())
            .unwrap_or_default())
    }
}

/// A data quality job definition named `name`: compliant (keys, encryption, isolation, the
/// allowed VPC, two instances) or not (none of them).
pub async fn create_monitoring_definition(
    emu: &Emulator,
    name: &str,
    posture: Posture,
) -> TestResult {
    use aws_sdk_sagemaker::types::{
        DataQualityAppSpecification, DataQualityJobInput, EndpointInput, MonitoringClusterConfig,
        MonitoringNetworkConfig, MonitoringOutput, MonitoringOutputConfig, MonitoringResources,
        MonitoringS3Output, ProcessingInstanceType,
    };
    let compliant = posture == Posture::Compliant;
    let mut cluster = MonitoringClusterConfig::builder()
        .instance_count(2)
        .instance_type(ProcessingInstanceType::MlM5Xlarge)
        .volume_size_in_gb(20);
    let mut output = MonitoringOutputConfig::builder().monitoring_outputs(
        MonitoringOutput::builder()
            .s3_output(
                MonitoringS3Output::builder()
                    .s3_uri("s3://monitoring/")
                    .local_path("/opt/ml/processing/output")
                    .build(),
            )
            .build(),
    );
    let mut request = emu
        .sagemaker
        .create_data_quality_job_definition()
        .job_definition_name(name)
        .data_quality_app_specification(
            DataQualityAppSpecification::builder()
                .image_uri(IMAGE)
                .build(),
        )
        .data_quality_job_input(
            DataQualityJobInput::builder()
                .endpoint_input(
                    EndpointInput::builder()
                        .endpoint_name("fraud-api")
                        .local_path("/opt/ml/processing/input")
                        .build(),
                )
                .build(),
        )
        .role_arn(ROLE);
    if compliant {
        cluster = cluster.volume_kms_key_id(KEY);
        output = output.kms_key_id(KEY);
        request = request.network_config(
            MonitoringNetworkConfig::builder()
                .enable_inter_container_traffic_encryption(true)
                .enable_network_isolation(true)
                .vpc_config(vpc())
                .build(),
        );
    }
    request
        .job_resources(
            MonitoringResources::builder()
                .cluster_config(cluster.build())
                .build(),
        )
        .data_quality_job_output_config(output.build())
        .send()
        .await?;
    Ok(())
}

/// A monitoring schedule running the job definition `definition`, tagged with an owner (and
/// `initial_status`, the emulator extension).
pub async fn create_monitoring_schedule(
    emu: &Emulator,
    name: &str,
    definition: &str,
    initial_status: Option<&str>,
) -> TestResult {
    use aws_sdk_sagemaker::types::{MonitoringScheduleConfig, MonitoringType, ScheduleConfig};
    emu.sagemaker
        .create_monitoring_schedule()
        .monitoring_schedule_name(name)
        .monitoring_schedule_config(
            MonitoringScheduleConfig::builder()
                .schedule_config(
                    ScheduleConfig::builder()
                        .schedule_expression("cron(0 * ? * * *)")
                        .build(),
                )
                .monitoring_job_definition_name(definition)
                .monitoring_type(MonitoringType::DataQuality)
                .build(),
        )
        .set_tags(Some(tags_with_status(initial_status)?))
        .send()
        .await?;
    Ok(())
}

impl Emulator {
    pub async fn monitoring_status(&self, name: &str) -> TestResult<String> {
        let described = self
            .sagemaker
            .describe_monitoring_schedule()
            .monitoring_schedule_name(name)
            .send()
            .await?;
        Ok(described
            .monitoring_schedule_status()
            .map(|s| s.as_str().to_string())
            .unwrap_or_default())
    }
}
