// Transcribed from aws/aws-cdk @ 200ac27665334abf769895859f77ea6a543e61c9, packages/@aws-cdk-testing/framework-integ/test/aws-stepfunctions-tasks/test/sagemaker/integ.create-training-job.ts
// (Apache-2.0), TypeScript imports turned into require() calls; otherwise unchanged.
const { Key } = require('aws-cdk-lib/aws-kms');
const { Bucket, BucketEncryption } = require('aws-cdk-lib/aws-s3');
const { StateMachine } = require('aws-cdk-lib/aws-stepfunctions');
const { App, CfnOutput, RemovalPolicy, Stack } = require('aws-cdk-lib');
const { S3Location, SageMakerCreateTrainingJob } = require('aws-cdk-lib/aws-stepfunctions-tasks');

const app = new App();
const stack = new Stack(app, 'integ-stepfunctions-sagemaker');

const encryptionKey = new Key(stack, 'EncryptionKey', {
  removalPolicy: RemovalPolicy.DESTROY,
});
const trainingData = new Bucket(stack, 'TrainingData', {
  encryption: BucketEncryption.KMS,
  encryptionKey,
  removalPolicy: RemovalPolicy.DESTROY,
});

const sm = new StateMachine(stack, 'StateMachine', {
  definition: new SageMakerCreateTrainingJob(stack, 'TrainTask', {
    algorithmSpecification: {
      algorithmName: 'arn:aws:sagemaker:us-east-1:865070037744:algorithm/scikit-decision-trees-15423055-57b73412d2e93e9239e4e16f83298b8f',
    },
    inputDataConfig: [{
      channelName: 'InputData',
      dataSource: {
        s3DataSource: {
          s3Location: S3Location.fromBucket(trainingData, 'data/'),
        },
      },
    }],
    outputDataConfig: { s3OutputLocation: S3Location.fromBucket(trainingData, 'result/') },
    trainingJobName: 'mytrainingjob',
  }),
});

new CfnOutput(stack, 'stateMachineArn', {
  value: sm.stateMachineArn,
});
