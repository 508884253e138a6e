/**
 * The e2e bridge extension (see protocol.ts): with CNNLAB_E2E_BRIDGE_DIR set, listens on a loopback port and
 * answers the harness's requests in this extension host. Without it (any ordinary install) it does nothing.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { createServer, IncomingMessage } from 'node:http';
import { dirname } from 'node:path';
import * as vscode from 'vscode';
import { BRIDGE_DIR_ENV, bridgeAddressFile, BridgeAddress, BridgeReply, BridgeRequest } from './protocol';

export function activate(context: vscode.ExtensionContext): void {
  const bridgeDir = process.env[BRIDGE_DIR_ENV];
  const folder = vscode.workspace.workspaceFolders?.[0]?.uri.fsPath;
  if (!bridgeDir || !folder) return;
  const server = createServer((request, response) => {
    void readJson(request)
      .then((body) => handle(body as BridgeRequest))
      .then(
        (result): [number, BridgeReply] => [200, { result: toJson(result) }],
        (error: unknown): [number, BridgeReply] => [500, { error: error instanceof Error ? error.message : String(error) }],
      )
      .then(([status, reply]) => {
        response.writeHead(status, { 'content-type': 'application/json' });
        response.end(JSON.stringify(reply));
      });
  });
  server.listen(0, '127.0.0.1', () => {
    const address = server.address();
    if (!address || typeof address === 'string') return;
    const file = bridgeAddressFile(bridgeDir, folder);
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, JSON.stringify({ port: address.port, folder } satisfies BridgeAddress));
  });
  context.subscriptions.push({ dispose: () => server.close() });
}

async function handle(request: BridgeRequest): Promise<unknown> {
  switch (request.type) {
    case 'executeCommand':
      return vscode.commands.executeCommand(request.command, ...(request.args ?? []));
    case 'updateSetting':
      return vscode.workspace.getConfiguration().update(request.key, request.value, vscode.ConfigurationTarget.Global);
    case 'listCommands':
      return vscode.commands.getCommands(true);
  }
}

function readJson(request: IncomingMessage): Promise<unknown> {
  return new Promise((resolve, reject) => {
    let text = '';
    request.setEncoding('utf8');
    request.on('data', (chunk: string) => (text += chunk));
    request.on('end', () => {
      try {
        resolve(JSON.parse(text || '{}'));
      } catch (error) {
        reject(error);
      }
    });
    request.on('error', reject);
  });
}

/** A command's result as JSON can carry it (URIs, editors and the like become null). */
function toJson(value: unknown): unknown {
  try {
    return value === undefined ? null : JSON.parse(JSON.stringify(value));
  } catch {
    return null;
  }
}
