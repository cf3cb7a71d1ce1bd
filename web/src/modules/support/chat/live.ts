import { useQueryClient } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { reread } from '../../../lib/reread.ts';
import { chatKeys } from './api.ts';

interface ChatEvent {
  type: string;
  chatId?: string;
  who?: 'visitor' | 'agent';
  name?: string;
  state?: boolean | string;
  visitor?: boolean;
  [k: string]: unknown;
}

/**
 * Live updates for the chat page over the agents' socket (/api/support/live): the chat list follows
 * `chat:inbox`, the open chat follows `chat:<id>` (new messages, the visitor typing, read receipts).
 * Reconnects with back-off and re-subscribes.
 */
export function useChatLive(chatId: string | undefined): { connected: boolean; visitorTyping: boolean; readSeq: number } {
  const qc = useQueryClient();
  const [connected, setConnected] = useState(false);
  const [visitorTyping, setVisitorTyping] = useState(false);
  const [readSeq, setReadSeq] = useState(0);
  useEffect(() => {
    let ws: WebSocket | null = null;
    let retry = 0;
    let timer: ReturnType<typeof setTimeout> | null = null;
    let typingTimer: ReturnType<typeof setTimeout> | null = null;
    let stopped = false;
    setVisitorTyping(false);
    setReadSeq(0);
    const topics = ['chat:inbox', ...(chatId ? [`chat:${chatId}`] : [])];
    const open = () => {
      const sock = new WebSocket(`${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/api/support/live`);
      ws = sock;
      sock.onopen = () => {
        retry = 0;
        setConnected(true);
        sock.send(JSON.stringify({ type: 'subscribe', topics }));
      };
      sock.onmessage = (m) => {
        let msg: { topic: string; event: ChatEvent };
        try {
          msg = JSON.parse(String(m.data)) as { topic: string; event: ChatEvent };
        } catch {
          return;
        }
        const { topic, event: e } = msg;
        if (topic === 'subscribed') {
          // Whatever happened before the socket heard the topics (opening another chat reconnects) was missed: read again.
          void reread(qc, chatKeys.lists);
          if (chatId) void reread(qc, chatKeys.chat(chatId));
          return;
        }
        if (topic === 'chat:inbox') void reread(qc, chatKeys.lists);
        if (!chatId || topic !== `chat:${chatId}`) return;
        if (e.type === 'message' || e.type === 'mode') {
          void reread(qc, chatKeys.chat(chatId));
          void reread(qc, chatKeys.lists);
          if (e.type === 'message') setVisitorTyping(false);
        }
        if (e.type === 'typing' && e.who === 'visitor') {
          setVisitorTyping(e.state === true);
          if (typingTimer) clearTimeout(typingTimer);
          // A visitor who closes the tab mid-sentence never says "stopped".
          if (e.state === true) typingTimer = setTimeout(() => setVisitorTyping(false), 8000);
        }
        if (e.type === 'read' && e.who === 'visitor' && typeof e.seq === 'number') setReadSeq(e.seq);
      };
      sock.onclose = () => {
        setConnected(false);
        if (stopped || ws !== sock) return;
        timer = setTimeout(open, Math.min(30_000, 1000 * 2 ** retry++));
      };
    };
    open();
    return () => {
      stopped = true;
      if (timer) clearTimeout(timer);
      if (typingTimer) clearTimeout(typingTimer);
      ws?.close();
    };
  }, [chatId, qc]);
  return { connected, visitorTyping, readSeq };
}
