// The microphone button: records a voice message with MediaRecorder, has the gateway transcribe
// it (ChatKit `input.transcribe`, with the UI language as the hint), and puts the text in the
// composer to correct before sending. Shown only when /web/features.json says the gateway has a
// transcription service and the browser can record.

import { ApiError } from './api.js';
import { lang, t } from './i18n.js';

/** Recording types tried in order; the first this browser records is used (Safari: mp4). */
const TYPES = ['audio/webm;codecs=opus', 'audio/ogg;codecs=opus', 'audio/mp4', 'audio/webm'];

/** `m:ss`. */
const clock = (seconds) => `${Math.floor(seconds / 60)}:${String(seconds % 60).padStart(2, '0')}`;

/** The recording as base64, without the `data:…;base64,` prefix. */
function base64Of(blob) {
  return new Promise((resolve, reject) => {
    const reader = new FileReader();
    reader.onload = () => resolve(String(reader.result).replace(/^data:[^,]*,/, ''));
    reader.onerror = () => reject(reader.error);
    reader.readAsDataURL(blob);
  });
}

/** What the gateway's limits are, or null when voice is off (or the browser cannot record). */
async function voiceFeature() {
  if (!window.MediaRecorder || !navigator.mediaDevices?.getUserMedia) return null;
  try {
    const response = await fetch('/web/features.json', { cache: 'no-store' });
    if (!response.ok) return null;
    return (await response.json()).voice ?? null;
  } catch {
    return null;
  }
}

/**
 * Wires `button` (record / stop), `status` (a live region for the recording state) and `input`
 * (the composer); `client()` gives the signed-in ChatKit client; `onText` is told when a
 * transcript landed.
 */
export async function setUpVoice({ button, status, input, client, onText = () => {} }) {
  const limits = await voiceFeature();
  if (!limits) return;
  const mimeType = TYPES.find((type) => MediaRecorder.isTypeSupported(type)) ?? '';
  let recording = null;

  const show = (state, text = '') => {
    button.dataset.state = state;
    button.setAttribute('aria-pressed', state === 'recording' ? 'true' : 'false');
    button.textContent = t(state === 'recording' ? 'voiceStop' : 'voiceRecord');
    button.disabled = state === 'transcribing';
    status.textContent = text;
  };

  async function start() {
    let stream;
    try {
      stream = await navigator.mediaDevices.getUserMedia({ audio: true });
    } catch {
      show('idle', t('voiceNoMicrophone'));
      return;
    }
    const recorder = new MediaRecorder(stream, mimeType ? { mimeType } : {});
    const chunks = [];
    const started = Date.now();
    recorder.ondataavailable = (event) => {
      if (event.data.size) chunks.push(event.data);
    };
    recorder.onstop = () => {
      clearInterval(recording.timer);
      recording = null;
      for (const track of stream.getTracks()) track.stop();
      transcribe(new Blob(chunks, { type: recorder.mimeType || mimeType }));
    };
    const tick = () => {
      const seconds = Math.floor((Date.now() - started) / 1000);
      if (seconds >= limits.max_seconds) recorder.stop();
      else status.textContent = t('voiceRecording', clock(seconds), clock(limits.max_seconds));
    };
    recording = { recorder, timer: setInterval(tick, 500) };
    recorder.start();
    show('recording');
    tick();
  }

  async function transcribe(blob) {
    if (!blob.size) return show('idle', t('voiceEmpty'));
    if (blob.size > limits.max_bytes) return show('idle', t('voiceTooLong'));
    show('transcribing', t('voiceTranscribing'));
    try {
      const audio = await base64Of(blob);
      const type = blob.type || mimeType;
      const answer = await client().request('input.transcribe', { audio_base64: audio, mime_type: type }, { locale: lang });
      const text = (answer?.text ?? '').trim();
      if (!text) return show('idle', t('voiceNothingHeard'));
      input.value = input.value.trim() ? `${input.value.trimEnd()} ${text}` : text;
      show('idle', t('voiceReady'));
      input.focus();
      input.setSelectionRange(input.value.length, input.value.length);
      onText(text);
    } catch (error) {
      const reason = error instanceof ApiError ? error.message : '';
      show('idle', t('voiceFailed', reason || t('errorGeneric')));
    }
  }

  button.addEventListener('click', () => {
    if (recording) recording.recorder.stop();
    else if (button.dataset.state !== 'transcribing') start();
  });
  // Escape while recording stops it, as the button would.
  document.addEventListener('keydown', (event) => {
    if (event.key === 'Escape' && recording) recording.recorder.stop();
  });
  show('idle');
  button.hidden = false;
}
