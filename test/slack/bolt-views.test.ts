import nock from 'nock';
import type { CloudsecApp, ViewSubmission, ViewSubmissionResult } from '../../src/app/conversation';
import { startSlackApp, type RunningSlackApp } from '../../src/slack/bolt-app';
import { createLogger } from '../../src/slack/logger';
import { createMetrics } from '../../src/slack/metrics';
import { readSlackEnv } from '../../src/slack/slack-env';
import {
  BOT_IDENTITY,
  BOT_TOKEN,
  SIGNING_SECRET,
  TEAM_ID,
  blockAction,
  postToSlackApp,
  type SlackRequest,
} from '../fixtures/slack';

const viewSubmission = (callbackId: string, value: string, privateMetadata = 'req_1'): SlackRequest => ({
  contentType: 'application/x-www-form-urlencoded',
  body: new URLSearchParams({
    payload: JSON.stringify({
      type: 'view_submission',
      team: { id: TEAM_ID, domain: 'cloudsec-test' },
      user: { id: 'U0ALICE001', username: 'alice', name: 'alice', team_id: TEAM_ID },
      api_app_id: 'A0CLOUDSEC',
      token: 'deprecated-verification-token',
      trigger_id: '1.2.ghi',
      view: {
        id: 'V0MODAL',
        type: 'modal',
        callback_id: callbackId,
        private_metadata: privateMetadata,
        state: { values: { justification: { value: { type: 'plain_text_input', value } } } },
        blocks: [],
      },
    }),
  }).toString(),
});

describe('modals through Bolt', () => {
  let running: RunningSlackApp;
  let submissions: ViewSubmission[];
  let worked: string[];
  let openedWith: string | undefined;

  beforeEach(async () => {
    submissions = [];
    worked = [];
    const app: CloudsecApp = {
      actionIds: ['remediation.request'],
      callbackIds: ['remediation.request_submit'],
      handleCommand: async () => undefined,
      handleAction: async (invocation, responder) => {
        openedWith = invocation.triggerId;
        await responder.openModal!({
          type: 'modal',
          callback_id: 'remediation.request_submit',
          title: { type: 'plain_text', text: 'Request a fix' },
          submit: { type: 'plain_text', text: 'Send' },
          close: { type: 'plain_text', text: 'Cancel' },
          private_metadata: '',
          blocks: [],
        });
      },
      homeView: async () => ({ type: 'home', blocks: [] }),
      handleSubteamEvent: async () => undefined,
      handleViewSubmission: async (submission): Promise<ViewSubmissionResult> => {
        submissions.push(submission);
        const value = submission.values['justification']?.['value']?.value ?? '';
        if (value.length < 10) return { errors: { justification: 'Say why, in at least 10 characters.' } };
        return { work: async () => void worked.push(value) };
      },
    };
    running = await startSlackApp({
      app,
      env: readSlackEnv({
        SLACK_BOT_TOKEN: BOT_TOKEN,
        SLACK_SIGNING_SECRET: SIGNING_SECRET,
        PORT: '0',
        SLACK_API_URL: 'https://slack.test/api/',
      }),
      logger: createLogger({ level: 'silent' }),
      metrics: createMetrics(),
      botIdentity: BOT_IDENTITY,
      host: '127.0.0.1',
    });
  });
  afterEach(() => running.stop());

  const base = () => `http://127.0.0.1:${running.port}`;

  it('when a button handler opens a modal, then views.open gets the trigger id and the view', async () => {
    let opened: Record<string, unknown> | undefined;
    const done = new Promise<void>((resolve) =>
      nock('https://slack.test')
        .post('/api/views.open', (body: Record<string, unknown>) => {
          opened = body;
          resolve();
          return true;
        })
        .reply(200, { ok: true }),
    );
    await postToSlackApp(base(), blockAction({ actionId: 'remediation.request', value: 'f_1' }));
    await done;
    expect(openedWith).toBe('1.2.def');
    expect(opened!.trigger_id).toBe('1.2.def');
    expect(String(opened!.view)).toContain('remediation.request_submit');
  });

  it('when a submission is invalid, then Slack is answered with field errors and no work runs', async () => {
    const res = await postToSlackApp(base(), viewSubmission('remediation.request_submit', 'short'));
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({
      response_action: 'errors',
      errors: { justification: 'Say why, in at least 10 characters.' },
    });
    expect(worked).toEqual([]);
  });

  it('when a submission is valid, then the modal closes (empty ack) and the work runs afterwards', async () => {
    const res = await postToSlackApp(base(), viewSubmission('remediation.request_submit', 'bucket is public, fix it'));
    expect(res.status).toBe(200);
    expect(await res.text()).toBe('');
    await running.stop();
    expect(worked).toEqual(['bucket is public, fix it']);
    expect(submissions[0]).toMatchObject({
      callbackId: 'remediation.request_submit',
      privateMetadata: 'req_1',
      actor: { userId: 'U0ALICE001' },
    });
  });
});
