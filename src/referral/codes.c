/* SPDX-License-Identifier: Apache-2.0 */
/* Code lists of referrals (紹介・逆紹介): purposes, urgencies and workflow states. */
#include <string.h>

#include "referral_int.h"

/* clang-format off */
#define PURPOSES(X)                                                                                \
    X("workup", "精査", "Work-up")                                                                 \
    X("admission", "入院", "Admission")                                                            \
    X("surgery", "手術", "Surgery")                                                                \
    X("specialist", "専門治療", "Specialist treatment")                                            \
    X("rehabilitation", "リハビリ", "Rehabilitation")                                              \
    X("home_transition", "在宅移行", "Transition to home care")                                    \
    X("follow_up", "継続診療", "Continuing care")                                                  \
    X("consultation", "ご意見・助言", "Opinion and advice")                                        \
    X("other", "その他", "Other")

#define URGENCIES(X)                                                                               \
    X("emergency", "緊急", "Emergency")                                                            \
    X("urgent", "急ぎ", "Urgent")                                                                  \
    X("routine", "通常", "Routine")

#define STATUSES(X)                                                                                \
    X("sent", "新規", "New")                                                                       \
    X("accepted", "受付済", "Accepted")                                                            \
    X("scheduled", "予約済", "Scheduled")                                                          \
    X("seen", "受診済", "Seen")                                                                    \
    X("replied", "返書済", "Replied")                                                              \
    X("closed", "完了", "Closed")                                                                  \
    X("declined", "お断り", "Declined")                                                            \
    X("redirected", "転送済", "Redirected")                                                        \
    X("cancelled", "取消", "Cancelled")

#define ACTIONS(X)                                                                                 \
    X("accept", "受付", "Accept")                                                                  \
    X("decline", "お断り", "Decline")                                                              \
    X("redirect", "他院へ紹介し直す", "Redirect")                                                  \
    X("schedule", "予約", "Schedule")                                                              \
    X("seen", "受診済にする", "Mark seen")                                                         \
    X("reply", "返書", "Reply")                                                                    \
    X("reverse", "逆紹介", "Reverse referral")                                                     \
    X("close", "完了", "Close")                                                                    \
    X("cancel", "取消", "Cancel")

#define EVENTS(X)                                                                                  \
    X("sent", "紹介状送付", "Referral sent")                                                       \
    X("accepted", "受付", "Accepted")                                                              \
    X("declined", "お断り", "Declined")                                                            \
    X("redirected", "他院へ紹介し直し", "Redirected")                                              \
    X("scheduled", "予約", "Scheduled")                                                            \
    X("seen", "受診", "Seen")                                                                      \
    X("replied", "返書送付", "Reply sent")                                                         \
    X("reverse_sent", "逆紹介", "Reverse referral sent")                                           \
    X("closed", "完了", "Closed")                                                                  \
    X("cancelled", "取消", "Cancelled")                                                            \
    X("share_started", "診療記録の共有開始", "Record sharing started")                             \
    X("share_ended", "診療記録の共有終了", "Record sharing ended")
/* clang-format on */

CODES_LIST(referral_purposes, referral_purpose_codes, PURPOSES)
CODES_LIST(referral_urgencies, referral_urgency_codes, URGENCIES)
CODES_LIST(referral_statuses, referral_status_codes, STATUSES)

const struct code_label referral_action_labels[] = {ACTIONS(CODES_LABEL){NULL, NULL, NULL}};
const struct code_label referral_event_labels[] = {EVENTS(CODES_LABEL){NULL, NULL, NULL}};
