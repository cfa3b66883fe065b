// SPDX-License-Identifier: Apache-2.0
// On-call and backup (issue 17): for now the backup partners' notices in the inbox (a partner
// declared itself unavailable, or ended it); the screens are still to come.
import { t, type MessageKey } from '../../i18n';
import { registerNotificationKind } from '../notify/extensions';
import type { AppNotification } from '../notify/types';
import './types';

const REASONS: Record<string, MessageKey> = {
  disaster: 'oncall.reason_disaster',
  illness: 'oncall.reason_illness',
  other: 'oncall.reason_other',
};

const reason = (n: AppNotification): string => t(REASONS[n.summary.reason ?? ''] ?? 'oncall.reason_other');

registerNotificationKind({ kind: 'oncall_declaration', message: (n) => t('oncall.notify_declared', { reason: reason(n) }) });
registerNotificationKind({ kind: 'oncall_declaration_end', message: () => t('oncall.notify_ended') });
