import { bold, clip } from '../mrkdwn';
import { context, header, section, type HomeView } from './kit';

/**
 * Why the home tab of someone who may read findings shows no posture: the scan it needed failed,
 * nothing was in scope at all, or nothing scanned is an account they may see. Said in words, with
 * no counts: an empty posture would read as "nothing failing". The wording follows what
 * `/cloudsec check` says in the same cases.
 */
export type MissingPosture = 'scan-failed' | 'nothing-scanned' | 'none-visible';

const WHY: Record<MissingPosture, (accessHelp: string) => { title: string; message: string; next: string }> = {
  'scan-failed': () => ({
    title: 'cloudsec could not scan your accounts just now',
    message: 'so there is no posture to show (that is not the same as nothing failing).',
    next: 'Open this tab again in a moment, or run `/cloudsec check all`.',
  }),
  'nothing-scanned': () => ({
    title: 'No account was scanned',
    message:
      'cloudsec found no account in scope, so there is nothing to show (that is not the same as nothing failing).',
    next: 'Check `accounts:` or `organization:` in cloudsec.yml, and that the organization lists active accounts.',
  }),
  'none-visible': (accessHelp) => ({
    title: 'None of the scanned accounts is one you may see',
    message:
      'your roles give findings:read on accounts cloudsec does not scan, so there is nothing to show (that is not the same as nothing failing).',
    next: `\`/cloudsec whoami\` shows your roles; ask ${accessHelp} if they are wrong.`,
  }),
};

export const renderHomeWithoutPosture = (data: {
  userName?: string;
  missing: MissingPosture;
  accessHelp: string | null;
}): HomeView => {
  const why = WHY[data.missing](clip(data.accessHelp ?? 'a cloudsec admin', 200));
  return {
    type: 'home',
    blocks: [
      header('cloudsec · security posture'),
      section(`${data.userName ? `Hi ${bold(data.userName, 80)}. ` : ''}:warning: *${why.title}*: ${why.message}`),
      context(why.next),
    ],
  };
};
