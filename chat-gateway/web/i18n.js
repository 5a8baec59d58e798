// The page's own labels in English and Urdu, chosen by the browser's language (or ?lang=ur).
// Urdu turns the whole page right-to-left. Messages themselves use dir="auto" whatever the UI.

const LABELS = {
  en: {
    appTitle: 'Task assistant',
    tokenLabel: 'Access token',
    tokenHelp: 'Paste the token you were given (for example from `chat-gateway token --user NAME`). It is kept in this browser only.',
    signIn: 'Sign in',
    devLogin: 'Dev login',
    providerSignIn: 'Sign in with your account',
    providerFailed: 'Signing in did not work: {0}',
    signOut: 'Sign out',
    skip: 'Skip to the message box',
    conversations: 'Conversations',
    newThread: 'New conversation',
    untitled: 'Untitled conversation',
    showMore: 'Show older conversations',
    rename: 'Rename',
    renameNamed: 'Rename “{0}”',
    renameLabel: 'New title',
    save: 'Save',
    cancel: 'Cancel',
    delete: 'Delete',
    deleteNamed: 'Delete “{0}”',
    confirmDelete: 'Delete “{0}”? This cannot be undone.',
    messageLabel: 'Message',
    placeholder: 'Ask about your tasks… (Enter sends, Shift+Enter adds a line)',
    send: 'Send',
    stop: 'Stop',
    you: 'You',
    assistant: 'Assistant',
    tools: 'Tool calls',
    running: 'running',
    done: 'done',
    retry: 'Retry',
    taskGone: 'That task no longer exists (changed elsewhere?). Ask for the list again.',
    empty: 'Ask me to add, list, complete or remind you of tasks, in English or Urdu. For example: “add buy milk tomorrow”.',
    loading: 'Loading…',
    working: 'Working…',
    stopped: 'Stopped. The part already written is kept.',
    errorGeneric: 'Something went wrong while answering.',
    tokenMissing: 'Paste a token first.',
    tokenRejected: 'That token was not accepted. Check it and try again.',
    sessionEnded: 'Your session has ended. Sign in again.',
    unreachable: 'The gateway could not be reached. Check your connection and try again.',
    rateLimited: 'Too many requests; try again in {0} s.',
    notFound: 'That conversation no longer exists.',
    voiceRecord: 'Speak',
    voiceStop: 'Stop recording',
    voiceRecording: 'Recording… {0} of {1}. Press “Stop recording” (or Escape) when you are done.',
    voiceTranscribing: 'Turning your words into text…',
    voiceReady: 'Check the text, correct it if needed, then send.',
    voiceNothingHeard: 'No words were heard. Try again closer to the microphone.',
    voiceEmpty: 'Nothing was recorded.',
    voiceTooLong: 'The recording is too long. Try a shorter one.',
    voiceNoMicrophone: 'The microphone is not available. Allow it in the browser and try again.',
    voiceFailed: 'The recording could not be turned into text: {0}',
  },
  ur: {
    appTitle: 'کاموں کا معاون',
    tokenLabel: 'رسائی ٹوکن',
    tokenHelp: 'اپنا ٹوکن یہاں چسپاں کریں (مثلاً `chat-gateway token --user NAME` سے)۔ یہ صرف اسی براؤزر میں رکھا جاتا ہے۔',
    signIn: 'سائن اِن کریں',
    devLogin: 'ڈیولپر لاگ اِن',
    providerSignIn: 'اپنے اکاؤنٹ سے سائن اِن کریں',
    providerFailed: 'سائن اِن نہیں ہو سکا: {0}',
    signOut: 'سائن آؤٹ',
    skip: 'پیغام کے خانے پر جائیں',
    conversations: 'گفتگوئیں',
    newThread: 'نئی گفتگو',
    untitled: 'بے عنوان گفتگو',
    showMore: 'پرانی گفتگوئیں دکھائیں',
    rename: 'نام بدلیں',
    renameNamed: '“{0}” کا نام بدلیں',
    renameLabel: 'نیا عنوان',
    save: 'محفوظ کریں',
    cancel: 'منسوخ کریں',
    delete: 'حذف کریں',
    deleteNamed: '“{0}” حذف کریں',
    confirmDelete: '“{0}” حذف کریں؟ یہ واپس نہیں ہو سکے گا۔',
    messageLabel: 'پیغام',
    placeholder: 'اپنے کاموں کے بارے میں لکھیں… (Enter سے بھیجیں، Shift+Enter سے نئی سطر)',
    send: 'بھیجیں',
    stop: 'روکیں',
    you: 'آپ',
    assistant: 'معاون',
    tools: 'ٹول کالز',
    running: 'جاری',
    done: 'مکمل',
    retry: 'دوبارہ کوشش کریں',
    taskGone: 'یہ کام اب موجود نہیں (شاید کہیں اور بدلا گیا)۔ فہرست دوبارہ منگوائیں۔',
    empty: 'مجھ سے کام شامل کرنے، دکھانے، مکمل کرنے یا یاد دلانے کو کہیں، اردو یا انگریزی میں۔ مثلاً: ”کل شام 5 بجے دودھ لینا شامل کریں“۔',
    loading: 'لوڈ ہو رہا ہے…',
    working: 'کام جاری ہے…',
    stopped: 'روک دیا گیا۔ جو حصہ لکھا جا چکا وہ محفوظ ہے۔',
    errorGeneric: 'جواب دیتے ہوئے کچھ غلط ہو گیا۔',
    tokenMissing: 'پہلے ٹوکن چسپاں کریں۔',
    tokenRejected: 'یہ ٹوکن قبول نہیں ہوا۔ جانچ کر دوبارہ کوشش کریں۔',
    sessionEnded: 'آپ کا سیشن ختم ہو گیا۔ دوبارہ سائن اِن کریں۔',
    unreachable: 'گیٹ وے سے رابطہ نہیں ہو سکا۔ کنکشن دیکھ کر دوبارہ کوشش کریں۔',
    rateLimited: 'بہت زیادہ درخواستیں؛ {0} سیکنڈ بعد کوشش کریں۔',
    notFound: 'یہ گفتگو اب موجود نہیں۔',
    voiceRecord: 'بولیں',
    voiceStop: 'ریکارڈنگ روکیں',
    voiceRecording: 'ریکارڈنگ جاری ہے… {0} از {1}۔ بات مکمل ہو جائے تو ”ریکارڈنگ روکیں“ (یا Escape) دبائیں۔',
    voiceTranscribing: 'آپ کی بات کو متن میں بدلا جا رہا ہے…',
    voiceReady: 'متن دیکھ لیں، ضرورت ہو تو درست کریں، پھر بھیجیں۔',
    voiceNothingHeard: 'کوئی لفظ سنائی نہیں دیا۔ مائیکروفون کے قریب ہو کر دوبارہ کوشش کریں۔',
    voiceEmpty: 'کچھ ریکارڈ نہیں ہوا۔',
    voiceTooLong: 'ریکارڈنگ بہت لمبی ہے۔ مختصر ریکارڈنگ کریں۔',
    voiceNoMicrophone: 'مائیکروفون دستیاب نہیں۔ براؤزر میں اجازت دے کر دوبارہ کوشش کریں۔',
    voiceFailed: 'ریکارڈنگ متن میں نہیں بدلی جا سکی: {0}',
  },
};

/** `en` or `ur`: `?lang=` if given, else the first of the browser's languages we have. */
function pickLanguage() {
  const asked = new URLSearchParams(location.search).get('lang');
  const wanted = [asked, ...(navigator.languages ?? []), navigator.language];
  for (const tag of wanted) {
    const base = (tag ?? '').toLowerCase().split('-')[0];
    if (base in LABELS) return base;
  }
  return 'en';
}

/** The UI language. */
export const lang = pickLanguage();

/** The label `key`, with `{0}`, `{1}`… replaced by `args`. */
export function t(key, ...args) {
  const text = LABELS[lang][key] ?? LABELS.en[key] ?? key;
  return text.replace(/\{(\d)\}/g, (_, i) => String(args[Number(i)] ?? ''));
}

/** Sets the document's language and direction, and every `data-i18n*` label under `root`. */
export function applyLabels(root = document) {
  document.documentElement.lang = lang;
  document.documentElement.dir = lang === 'ur' ? 'rtl' : 'ltr';
  document.title = t('appTitle');
  for (const el of root.querySelectorAll('[data-i18n]')) el.textContent = t(el.dataset.i18n);
  for (const el of root.querySelectorAll('[data-i18n-placeholder]')) {
    el.placeholder = t(el.dataset.i18nPlaceholder);
  }
}
