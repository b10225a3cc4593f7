// The official SDKs' published policy vectors (protocol reference §9.3), shared by the tests that check our
// encoding and signing against them.

export interface PolicyVector {
	source: string;
	policy: Record<string, unknown>;
	secret: string;
	policyB64: string;
	signature: string;
}

/** §9.3, policies as the Python SDK signs them: `json.dumps(sort_keys=True)`, URL-safe base64, HMAC-SHA256 hex. */
export const PYTHON_POLICIES: PolicyVector[] = [
	{
		source: 'Py security_test',
		policy: { expires: 123 },
		secret: 'secret',
		policyB64: 'eyJleHBpcmVzIjogMTIzfQ==',
		signature: '379d2ba0d5be34eddf09f873b7f38643dc51599b0afcd564f52733b52d698748',
	},
	{
		source: 'Py security_test (as_url_string)',
		policy: { expires: 999999999999 },
		secret: 'secret',
		policyB64: 'eyJleHBpcmVzIjogOTk5OTk5OTk5OTk5fQ==',
		signature: '8c75305f7615776a892ddd165111dba0fa24b45107024a55a7170a7d1d60157a',
	},
	{
		source: 'Py filelink_test',
		policy: { call: ['read'], expiry: 10238239 },
		secret: 'APPSECRET',
		policyB64: 'eyJjYWxsIjogWyJyZWFkIl0sICJleHBpcnkiOiAxMDIzODIzOX0=',
		signature: '858d1ee9c0a1f06283e495f78dc7950ff6e64136ce960465f35539791fcd486b',
	},
	{
		source: 'Py filelink_test',
		policy: { call: ['write'], expiry: 1655992432 },
		secret: 'another-secret',
		policyB64: 'eyJjYWxsIjogWyJ3cml0ZSJdLCAiZXhwaXJ5IjogMTY1NTk5MjQzMn0=',
		signature: '625cc5b9beab3e939fb53935f7795919c9f57f628d43adfc14566d2ad9a4ad47',
	},
	{
		source: 'Py filelink_test (metadata)',
		policy: { expiry: 123 },
		secret: 'secret',
		policyB64: 'eyJleHBpcnkiOiAxMjN9',
		signature: '4de8b7441b3daf0d68b4f8ebcf7e015d07aef43a1295476a1dde1aed327abc01',
	},
	{
		source: 'Py README',
		policy: { expiry: 253381964415, call: ['read'] },
		secret: 'SECURITY-SECRET',
		policyB64: 'eyJjYWxsIjogWyJyZWFkIl0sICJleHBpcnkiOiAyNTMzODE5NjQ0MTV9',
		signature: 'f61fa1effb0638ab5b6e208d5d2fd9343f8557d8a0bf529c6d8542935f77bb3c',
	},
	{
		source: 'Py Security docstring',
		policy: { expiry: 1562763146, call: ['read'] },
		secret: 'SECURITY-SECRET',
		policyB64: 'eyJjYWxsIjogWyJyZWFkIl0sICJleHBpcnkiOiAxNTYyNzYzMTQ2fQ==',
		signature: '89f1325dca54cfce976163fb692bb266f28129525b8c6bb0eeadf4b7d450e2f0',
	},
	{
		source: 'Py client_test (run)',
		policy: { expiry: 1900 },
		secret: 'SECRET',
		policyB64: 'eyJleHBpcnkiOiAxOTAwfQ==',
		signature: '9fdd80bf1d31568b5b483ef3ea6271ed4b2cd7c462afbb2a3ec6484191dd9dfb',
	},
];

/** §9.3, filestack-js security.spec.node: `JSON.stringify` in insertion order, standard base64. */
export const JS_POLICY = {
	policy: {
		expiry: 1523595600,
		call: [
			'pick',
			'read',
			'stat',
			'write',
			'writeUrl',
			'store',
			'convert',
			'remove',
			'exif',
			'runWorkflow',
		],
		handle: 'TEST_HANDLE',
	},
	secret: 'testAppSecret',
	policyB64:
		'eyJleHBpcnkiOjE1MjM1OTU2MDAsImNhbGwiOlsicGljayIsInJlYWQiLCJzdGF0Iiwid3JpdGUiLCJ3cml0ZVVybCIsInN0b3JlIiwiY29udmVydCIsInJlbW92ZSIsImV4aWYiLCJydW5Xb3JrZmxvdyJdLCJoYW5kbGUiOiJURVNUX0hBTkRMRSJ9',
	signature: '7df0536104cdcc16370ad6494cdbda30c9773a62eec6e5153fa539544db6206e',
};

/** §9.3 contrast: the Python filelink policy written as compact JSON, a different string with its own HMAC. */
export const COMPACT_POLICY = {
	policyB64: 'eyJjYWxsIjpbInJlYWQiXSwiZXhwaXJ5IjoxMDIzODIzOX0=',
	secret: 'APPSECRET',
	signature: '4b376855404732a5de16df247137c1100cc61910ed71945ad6ca0a7f9f43767d',
};
