// Why a URL Filestack is to fetch is refused, word for word as the user reads it: stated once for the tests of
// the check itself and of the node that shows it.

export const HTTP_ONLY = 'only http:// or https:// URLs can be fetched';
export const WITH_ALIAS = 'only http://, https:// or src:// (a storage alias) URLs can be fetched';
export const LINK_LOCAL =
	'it points to a link-local address (169.254.0.0/16 or fe80::/10), where cloud metadata services answer';
export const AWS_IPV6 = "it points to fd00:ec2::254, the IPv6 address of AWS's metadata service";
export const READ_DIFFERENTLY =
	'it holds a backslash, tab or line break, which URL parsers read differently';
export const USER_INFO =
	'it holds user info (user@host), and URL parsers disagree on where that ends';
