import type { AppDeps } from '../../src/app/deps';
import type { ViewSubmission, ViewSubmissionResult } from '../../src/app/conversation';
import type { Actor } from '../../src/core/access/permissions';

export interface ViewContext {
  submission: ViewSubmission;
  actor: Actor;
  deps: AppDeps;
}

/** A modal submission handler: validates fast (Slack waits 3 s), then returns the work to run. */
export interface ViewHandler {
  callbackId: string;
  handle(ctx: ViewContext): Promise<ViewSubmissionResult>;
}
