// Every UI string, Korean first (our first customers are Korean support teams), English second.
// Components take their words from t(); nothing user-visible is written inline in them.

const ko = {
  appTitle: "링데스크",
  server: "서버",
  email: "이메일",
  password: "비밀번호",
  login: "로그인",
  loggingIn: "로그인 중…",
  resuming: "저장된 세션으로 연결 중…",
  logout: "로그아웃",
  status: "상태",
  available: "상담 가능",
  away: "자리 비움",
  inCall: "통화 중",
  wrapUp: "후처리",
  dnd: "방해 금지",
  connected: "연결됨",
  reconnecting: "재연결 중…",
  offline: "오프라인",
  incomingCall: "전화가 왔어요",
  via: "수신 번호",
  answer: "받기",
  decline: "거절",
  history: "이전 통화",
  noHistory: "이전 통화가 없어요",
  hangup: "나가기",
  endForAll: "모두 종료",
  mute: "음소거",
  unmute: "음소거 해제",
  hold: "보류",
  resume: "보류 해제",
  onHold: "보류 중",
  dialpad: "다이얼",
  devices: "장치 설정",
  me: "나",
  customer: "고객",
  muted: "음소거됨",
  waitingForCalls: "전화를 기다리고 있어요",
  recentCalls: "최근 통화",
  missedCalls: "부재중 전화",
  noCalls: "아직 통화가 없어요",
  outcome: {
    ringing: "울리는 중",
    inCall: "통화 중",
    answered: "받음",
    missed: "부재중",
    declined: "거절함",
    answeredElsewhere: "다른 상담원이 받음",
  } as Record<string, string>,
  settings: "설정",
  closeSettings: "닫기",
  language: "언어",
  followSystem: "시스템 설정 따르기",
  microphone: "마이크",
  speaker: "스피커",
  ringer: "벨소리 장치",
  systemDefault: "시스템 기본값",
  inputLevel: "입력 레벨",
  testTone: "테스트음 재생",
  startMuted: "통화 시작 시 음소거",
  missedNotifications: "부재중 전화 알림",
  hotkeys: "단축키",
  hotkeyActions: {
    openDialpad: "다이얼 열기",
    answer: "전화 받기",
    toggleMute: "음소거 / 해제",
    toggleHold: "보류 / 해제",
    endForAll: "모두 종료",
    leave: "나가기",
  } as Record<string, string>,
  hotkeyTaken: "다른 앱이 이미 사용 중이에요",
  hotkeyInvalid: "올바른 단축키가 아니에요",
  save: "저장",
  saved: "저장했어요",
  dialpadTitle: "다이얼",
  paste: "붙여넣기",
  backspace: "지우기",
  dtmfSent: "통화 중: 누른 번호가 상대방에게 전달돼요",
  dialingLater: "전화 걸기는 곧 지원돼요. 지금은 통화 중 번호 입력만 할 수 있어요",
  notRinging: {
    offline: "오프라인이라 전화가 울리지 않아요",
    noOperatorSeat: "상담원 좌석이 없어 전화가 울리지 않아요",
    away: "자리 비움 상태라 전화가 울리지 않아요",
    inCall: "통화 중이라 새 전화가 울리지 않아요",
    wrapUp: "후처리 중이라 전화가 울리지 않아요",
    doNotDisturb: "방해 금지가 켜져 있어 전화가 울리지 않아요",
    ringingForAnotherCall: "다른 전화가 울리고 있어요",
  } as Record<string, string>,
  errors: {
    invalidCredentials: "이메일 또는 비밀번호가 맞지 않아요",
    passwordRequired: "비밀번호를 입력해 주세요",
    sessionExpired: "세션이 만료됐어요. 다시 로그인해 주세요",
    noSavedSession: "저장된 세션이 없어요",
    notLoggedIn: "로그인이 필요해요",
    offline: "서버에 연결되어 있지 않아요",
    mediaFailed: "오디오 연결에 실패했어요",
  } as Record<string, string>,
  otherLanguage: "English",
};

export type Strings = typeof ko;

const en: Strings = {
  appTitle: "Ringdesk",
  server: "Server",
  email: "Email",
  password: "Password",
  login: "Log in",
  loggingIn: "Logging in…",
  resuming: "Resuming the saved session…",
  logout: "Log out",
  status: "Status",
  available: "Available",
  away: "Away",
  inCall: "In call",
  wrapUp: "Wrap-up",
  dnd: "Do not disturb",
  connected: "Connected",
  reconnecting: "Reconnecting…",
  offline: "Offline",
  incomingCall: "Incoming call",
  via: "Via",
  answer: "Answer",
  decline: "Decline",
  history: "History",
  noHistory: "No earlier calls",
  hangup: "Leave",
  endForAll: "End for all",
  mute: "Mute",
  unmute: "Unmute",
  hold: "Hold",
  resume: "Resume",
  onHold: "On hold",
  dialpad: "Dialpad",
  devices: "Devices",
  me: "Me",
  customer: "Customer",
  muted: "Muted",
  waitingForCalls: "Waiting for calls",
  recentCalls: "Recent calls",
  missedCalls: "Missed calls",
  noCalls: "No calls yet",
  outcome: {
    ringing: "Ringing",
    inCall: "In call",
    answered: "Answered",
    missed: "Missed",
    declined: "Declined",
    answeredElsewhere: "Answered by a teammate",
  },
  settings: "Settings",
  closeSettings: "Close",
  language: "Language",
  followSystem: "Follow the system",
  microphone: "Microphone",
  speaker: "Speaker",
  ringer: "Ringer",
  systemDefault: "System default",
  inputLevel: "Input level",
  testTone: "Play test tone",
  startMuted: "Start muted when joining a call",
  missedNotifications: "Missed-call notifications",
  hotkeys: "Hotkeys",
  hotkeyActions: {
    openDialpad: "Open dialpad",
    answer: "Answer",
    toggleMute: "Mute / unmute",
    toggleHold: "Hold / resume",
    endForAll: "End for all",
    leave: "Leave",
  },
  hotkeyTaken: "Another app already uses it",
  hotkeyInvalid: "Not a valid shortcut",
  save: "Save",
  saved: "Saved",
  dialpadTitle: "Dialpad",
  paste: "Paste",
  backspace: "Delete",
  dtmfSent: "In a call: digits go to the far end",
  dialingLater: "Dialing out arrives soon. For now the dialpad sends digits during calls",
  notRinging: {
    offline: "Offline: calls don't ring",
    noOperatorSeat: "No operator seat: calls don't ring",
    away: "Away: calls don't ring",
    inCall: "In a call: new calls don't ring",
    wrapUp: "Wrapping up: calls don't ring",
    doNotDisturb: "Do not disturb is on: calls don't ring",
    ringingForAnotherCall: "Another call is ringing",
  },
  errors: {
    invalidCredentials: "Email or password is incorrect",
    passwordRequired: "Enter your password",
    sessionExpired: "Your session expired. Please log in again",
    noSavedSession: "No saved session",
    notLoggedIn: "Log in first",
    offline: "Not connected to the server",
    mediaFailed: "Audio could not connect",
  },
  otherLanguage: "한국어",
};

export type Language = "ko" | "en";

let current: Language = "ko";

/** The language for an OS locale: Korean for ko-*, English for other locales. */
export function languageFor(locale: string | null | undefined): Language {
  if (!locale) return "ko";
  return locale.toLowerCase().startsWith("ko") ? "ko" : "en";
}

/** Sets the UI language (from the settings, or the OS locale when they say "follow"). */
export function setLanguage(lang: Language): void {
  current = lang;
  document.documentElement.lang = lang;
}

export function language(): Language {
  return current;
}

export function t(): Strings {
  return current === "ko" ? ko : en;
}

/** A translated error code, or the text itself when it is not a known code. */
export function errorText(code: string): string {
  return t().errors[code] ?? code;
}
