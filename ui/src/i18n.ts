// UI strings, Korean first (our first customers are Korean support teams), English second.

const ko = {
  appTitle: "링데스크",
  server: "서버",
  email: "이메일",
  password: "비밀번호",
  login: "로그인",
  loggingIn: "로그인 중…",
  status: "상태",
  available: "상담 가능",
  away: "자리 비움",
  inCall: "통화 중",
  wrapUp: "후처리",
  dnd: "방해 금지",
  connected: "연결됨",
  reconnecting: "재연결 중…",
  incomingCall: "전화가 왔어요",
  via: "수신 번호",
  answer: "받기",
  decline: "거절",
  hangup: "끊기",
  dialpad: "다이얼",
  waitingForCalls: "전화를 기다리고 있어요",
  lastCall: "최근 통화",
  ended: "통화 종료",
  notRinging: {
    offline: "오프라인이라 전화가 울리지 않아요",
    noOperatorSeat: "상담원 좌석이 없어 전화가 울리지 않아요",
    away: "자리 비움 상태라 전화가 울리지 않아요",
    inCall: "통화 중이라 새 전화가 울리지 않아요",
    wrapUp: "후처리 중이라 전화가 울리지 않아요",
    doNotDisturb: "방해 금지가 켜져 있어 전화가 울리지 않아요",
    ringingForAnotherCall: "다른 전화가 울리고 있어요",
  } as Record<string, string>,
  language: "English",
};

type Strings = typeof ko;

const en: Strings = {
  appTitle: "Ringdesk",
  server: "Server",
  email: "Email",
  password: "Password",
  login: "Log in",
  loggingIn: "Logging in…",
  status: "Status",
  available: "Available",
  away: "Away",
  inCall: "In call",
  wrapUp: "Wrap-up",
  dnd: "Do not disturb",
  connected: "Connected",
  reconnecting: "Reconnecting…",
  incomingCall: "Incoming call",
  via: "Via",
  answer: "Answer",
  decline: "Decline",
  hangup: "Hang up",
  dialpad: "Dialpad",
  waitingForCalls: "Waiting for calls",
  lastCall: "Last call",
  ended: "Call ended",
  notRinging: {
    offline: "Offline: calls don't ring",
    noOperatorSeat: "No operator seat: calls don't ring",
    away: "Away: calls don't ring",
    inCall: "In a call: new calls don't ring",
    wrapUp: "Wrapping up: calls don't ring",
    doNotDisturb: "Do not disturb is on: calls don't ring",
    ringingForAnotherCall: "Another call is ringing",
  },
  language: "한국어",
};

let current: Strings = navigator.language.startsWith("en") && localStorage.getItem("lang") !== "ko" ? en : ko;
if (localStorage.getItem("lang") === "en") current = en;

export function t(): Strings {
  return current;
}

export function toggleLanguage(): void {
  current = current === ko ? en : ko;
  localStorage.setItem("lang", current === ko ? "ko" : "en");
  document.documentElement.lang = current === ko ? "ko" : "en";
}
