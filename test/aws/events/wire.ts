/**
 * The live lane's AWS answers in their wire formats, for the tests beside this file.
 *
 * SQS (AWS JSON 1.0, query-compatible; see test/fixtures/aws/fake-services/sqs.ts): ReceiveMessage
 * answers `{"Messages":[{MessageId, ReceiptHandle, MD5OfBody, Body, Attributes}]}` (`{}` when empty;
 * the SDK checks MD5OfBody against the body), DeleteMessageBatch and ChangeMessageVisibilityBatch
 * `{"Successful":[{Id}],"Failed":[{Id, SenderFault, Code, Message}]}`.
 *
 * CloudTrail (AWS JSON 1.1): LookupEvents answers `{"Events":[…],"NextToken"}`, each event
 * `{EventId, EventName, ReadOnly, AccessKeyId, EventTime (epoch seconds), EventSource, Username,
 * Resources:[{ResourceType, ResourceName}], CloudTrailEvent (the record as JSON text)}`. The SDK
 * sends `X-Amz-Target: CloudTrail_20131101.LookupEvents` (the API reference spells the target with
 * its namespace, `com.amazonaws.cloudtrail.v20131101.CloudTrail_20131101.LookupEvents`; both end the same).
 */
import { createHash } from 'node:crypto';
import nock from 'nock';
import { makeClientFactory } from '../../../src/aws/clients';
import type { CloudTrailRecord } from '../../../src/core/detections/record';
import { retryWithoutWaiting } from '../../fixtures/aws/retry';
import { sqsHost, sqsOk } from '../../fixtures/aws/fake-services/sqs';

export const ACCOUNT = '111111111111';
export const REGION = 'eu-west-1';
export const QUEUE_URL = `https://sqs.${REGION}.amazonaws.com/${ACCOUNT}/cloudsec-events`;
export const QUEUE_ARN = `arn:aws:sqs:${REGION}:${ACCOUNT}:cloudsec-events`;

/** One attempt per call: what reaches the code under test is AWS's first answer, throttling included. */
export const clientsOnce = () =>
  makeClientFactory({ homeRegion: 'us-east-1', maxAttempts: 1, retryStrategy: retryWithoutWaiting })({
    accountId: ACCOUNT,
  });

// ---------------------------------------------------------------- records

let serial = 0;
export const aRecord = (overrides: Partial<CloudTrailRecord> = {}): CloudTrailRecord => {
  serial += 1;
  return {
    eventVersion: '1.09',
    eventID: `0e1d2c3b-0000-4000-8000-${String(serial).padStart(12, '0')}`,
    eventTime: '2026-03-01T10:00:00Z',
    eventSource: 'iam.amazonaws.com',
    eventName: 'AttachUserPolicy',
    awsRegion: 'us-east-1',
    sourceIPAddress: '203.0.113.7',
    userAgent: 'aws-cli/2.15.0',
    userIdentity: {
      type: 'IAMUser',
      principalId: 'AIDAEXAMPLE',
      arn: `arn:aws:iam::${ACCOUNT}:user/alice`,
      accountId: ACCOUNT,
      userName: 'alice',
    },
    requestParameters: { userName: 'bob', policyArn: 'arn:aws:iam::aws:policy/AdministratorAccess' },
    responseElements: null,
    readOnly: false,
    eventType: 'AwsApiCall',
    managementEvent: true,
    recipientAccountId: ACCOUNT,
    ...overrides,
  };
};

/** What an EventBridge rule puts on the queue for a CloudTrail management event. */
export const eventBridgeEvent = (record: CloudTrailRecord, detailType = 'AWS API Call via CloudTrail') => ({
  version: '0',
  id: `eb-${record.eventID}`,
  'detail-type': detailType,
  source: `aws.${record.eventSource.split('.')[0]}`,
  account: ACCOUNT,
  time: record.eventTime,
  region: record.awsRegion ?? 'us-east-1',
  resources: [],
  detail: record,
});

/** An SNS notification (raw message delivery off) carrying `message` as text. */
export const snsNotification = (message: unknown) => ({
  Type: 'Notification',
  MessageId: 'a1b2c3d4-5678-4abc-9def-0123456789ab',
  TopicArn: `arn:aws:sns:${REGION}:${ACCOUNT}:cloudsec-events`,
  Message: JSON.stringify(message),
  Timestamp: '2026-03-01T10:00:01.000Z',
  SignatureVersion: '1',
  Signature: 'EXAMPLE',
  SigningCertURL: 'https://sns.eu-west-1.amazonaws.com/SimpleNotificationService-example.pem',
  UnsubscribeURL: 'https://sns.eu-west-1.amazonaws.com/?Action=Unsubscribe',
});

// ---------------------------------------------------------------- SQS

export interface WireMessage {
  MessageId: string;
  ReceiptHandle: string;
  MD5OfBody: string;
  Body: string;
  Attributes: Record<string, string>;
}

const md5 = (text: string) => createHash('md5').update(text, 'utf8').digest('hex');

export const sqsMessage = (body: string, id: string, receiveCount = 1): WireMessage => ({
  MessageId: id,
  ReceiptHandle: `AQEB-receipt-${id}`,
  MD5OfBody: md5(body),
  Body: body,
  Attributes: { ApproximateReceiveCount: String(receiveCount) },
});

/** A JSON 1.0 call to `operation` on the queue's host, optionally only for a body `accept` likes. */
export const sqsCall = (operation: string, accept: (body: Record<string, unknown>) => boolean = () => true) =>
  nock(sqsHost(REGION), {
    reqheaders: { 'x-amz-target': `AmazonSQS.${operation}`, 'content-type': 'application/x-amz-json-1.0' },
  }).post('/', (body: Record<string, unknown>) => body.QueueUrl === QUEUE_URL && accept(body));

export const receiveAnswer = (messages: WireMessage[]) => sqsOk(messages.length > 0 ? { Messages: messages } : {});

/** DeleteMessageBatch / ChangeMessageVisibilityBatch: every entry succeeded, except those in `failed`. */
export const batchAnswer = (entries: Array<{ Id: string }>, failed: string[] = []) =>
  sqsOk({
    Successful: entries.filter((e) => !failed.includes(e.Id)).map((e) => ({ Id: e.Id })),
    ...(failed.length > 0
      ? {
          Failed: failed.map((Id) => ({
            Id,
            SenderFault: true,
            Code: 'ReceiptHandleIsInvalid',
            Message: 'The input receipt handle is invalid.',
          })),
        }
      : {}),
  });

// ---------------------------------------------------------------- CloudTrail LookupEvents

export const cloudTrailHost = (region = REGION) => `https://cloudtrail.${region}.amazonaws.com`;

export const lookupEventsCall = (accept: (body: Record<string, unknown>) => boolean = () => true, region = REGION) =>
  nock(cloudTrailHost(region))
    .post('/', (body: Record<string, unknown>) => accept(body))
    .matchHeader('x-amz-target', /(^|\.)CloudTrail_20131101\.LookupEvents$/)
    .matchHeader('content-type', 'application/x-amz-json-1.1');

const CT_HEADERS = {
  'Content-Type': 'application/x-amz-json-1.1',
  'x-amzn-RequestId': 'c0ffee00-1234-4cde-8f00-abcdefabcdef',
};

/** The event LookupEvents lists for a record: its fields from the record, the record itself as text. */
export const lookupEvent = (
  record: CloudTrailRecord,
  resources: Array<{ ResourceType: string; ResourceName: string }> = [],
) => ({
  EventId: record.eventID,
  EventName: record.eventName,
  ReadOnly: String(record.readOnly ?? false),
  AccessKeyId: 'ASIAEXAMPLE',
  EventTime: Date.parse(record.eventTime) / 1000,
  EventSource: record.eventSource,
  Username: record.userIdentity?.userName ?? 'unknown',
  Resources: resources,
  CloudTrailEvent: JSON.stringify(record),
});

export const lookupAnswer = (events: unknown[], nextToken?: string): [number, string, Record<string, string>] => [
  200,
  JSON.stringify({ Events: events, ...(nextToken === undefined ? {} : { NextToken: nextToken }) }),
  CT_HEADERS,
];

export const ctError = (type: string, message: string): [number, string, Record<string, string>] => [
  400,
  JSON.stringify({ __type: type, message }),
  CT_HEADERS,
];

export const ctThrottled = () => ctError('ThrottlingException', 'Rate exceeded');
export const ctAccessDenied = () =>
  ctError(
    'AccessDeniedException',
    `User: arn:aws:sts::${ACCOUNT}:assumed-role/cloudsec-read/cloudsec is not authorized to perform: cloudtrail:LookupEvents because no identity-based policy allows the cloudtrail:LookupEvents action`,
  );

/** JSON 1.1 timestamps travel as epoch seconds. */
export const epochSeconds = (iso: string) => Date.parse(iso) / 1000;

// ---------------------------------------------------------------- logs

export interface LogLine {
  level: 'info' | 'warn' | 'error';
  obj: Record<string, unknown>;
  msg: string;
}

export const recordingLog = () => {
  const lines: LogLine[] = [];
  const at = (level: LogLine['level']) => (obj: object, msg?: string) =>
    lines.push({ level, obj: obj as Record<string, unknown>, msg: msg ?? '' });
  return { lines, log: { info: at('info'), warn: at('warn'), error: at('error') } };
};
