<?php
/**
 * A minimal WordPress-compatible harness: just the WordPress functions the plugin calls, behaving like
 * WordPress's (escaping, shortcode attribute parsing, options, the current user, script (module) enqueueing
 * and printing, the settings API, REST routes), so the plugin's real PHP runs under PHP from Debian.
 *
 * Usage: php harness.php < scenario.json  → JSON on stdout. Scenario keys (all optional):
 *   modules   bool   the WordPress 6.5+ script modules API exists (else the classic-script fallback runs)
 *   options   object stored options            constants object  constants defined before the plugin loads
 *   user      null | { ID, display_name, caps: [capability…] }
 *   content   [string]  post contents run through do_shortcode
 *   blocks    [object]  attributes for the block's render callback
 *   settings  object    a submitted settings form, run through each setting's sanitize callback
 *   rest      object    query params for GET /video-call-widget/v1/token (room, role)
 */

define( 'ABSPATH', __DIR__ . '/' );
$scenario = json_decode( (string) file_get_contents( 'php://stdin' ), true );
if ( ! is_array( $scenario ) ) {
	fwrite( STDERR, "harness: the scenario on stdin is not a JSON object\n" );
	exit( 2 );
}
foreach ( $scenario['constants'] ?? array() as $name => $value ) {
	define( $name, $value );
}

$GLOBALS['h'] = array(
	'options'    => $scenario['options'] ?? array(),
	'user'       => $scenario['user'] ?? null,
	'hooks'      => array(),
	'shortcodes' => array(),
	'blocks'     => array(),
	'scripts'    => array(),
	'modules'    => array(),
	'settings'   => array(),
	'sections'   => array(),
	'fields'     => array(),
	'pages'      => array(),
	'rest'       => array(),
	'errors'     => array(),
);

// Hooks.
function add_filter( $name, $callback, $priority = 10, $accepted_args = 1 ) {
	$GLOBALS['h']['hooks'][ $name ][ $priority ][] = array( $callback, $accepted_args );
	return true;
}
function add_action( $name, $callback, $priority = 10, $accepted_args = 1 ) {
	return add_filter( $name, $callback, $priority, $accepted_args );
}
function apply_filters( $name, $value, ...$args ) {
	$by_priority = $GLOBALS['h']['hooks'][ $name ] ?? array();
	ksort( $by_priority );
	foreach ( $by_priority as $callbacks ) {
		foreach ( $callbacks as list( $callback, $accepted ) ) {
			$value = call_user_func_array( $callback, array_slice( array_merge( array( $value ), $args ), 0, $accepted ) );
		}
	}
	return $value;
}
function do_action( $name, ...$args ) {
	$by_priority = $GLOBALS['h']['hooks'][ $name ] ?? array();
	ksort( $by_priority );
	foreach ( $by_priority as $callbacks ) {
		foreach ( $callbacks as list( $callback, $accepted ) ) {
			call_user_func_array( $callback, array_slice( $args, 0, $accepted ) );
		}
	}
}
function __return_false() {
	return false;
}

// Escaping and sanitizing, as WordPress does it (quotes of both kinds encoded; no double encoding of entities).
function esc_attr( $text ) {
	return htmlspecialchars( (string) $text, ENT_QUOTES | ENT_SUBSTITUTE | ENT_HTML5, 'UTF-8', false );
}
function esc_html( $text ) {
	return esc_attr( $text );
}
function esc_url_raw( $url, $protocols = array( 'http', 'https' ) ) {
	$url = trim( (string) $url );
	if ( '' === $url || ! preg_match( '#^([a-z][a-z0-9+.-]*):#i', $url, $m ) || ! in_array( strtolower( $m[1] ), $protocols, true ) ) {
		return '';
	}
	return preg_replace( '/[^a-z0-9\-~+_.?#=!&;,\/:%@$|*\'()\[\]]/i', '', str_replace( ' ', '%20', $url ) );
}
function esc_url( $url, $protocols = array( 'http', 'https' ) ) {
	return str_replace( array( '&', "'" ), array( '&#038;', '&#039;' ), esc_url_raw( $url, $protocols ) );
}
function __( $text, $domain = 'default' ) {
	return $text;
}
function esc_html__( $text, $domain = 'default' ) {
	return esc_html( $text );
}
function esc_textarea( $text ) {
	return htmlspecialchars( (string) $text, ENT_QUOTES, 'UTF-8' );
}

// Options.
function get_option( $name, $default = false ) {
	return array_key_exists( $name, $GLOBALS['h']['options'] ) ? $GLOBALS['h']['options'][ $name ] : $default;
}
function update_option( $name, $value ) {
	$GLOBALS['h']['options'][ $name ] = $value;
	return true;
}
function delete_option( $name ) {
	unset( $GLOBALS['h']['options'][ $name ] );
	return true;
}

// The current user.
class WP_User {
	public $ID = 0;
	public $display_name = '';
	public $caps = array();
	public function __construct( $data = null ) {
		if ( is_array( $data ) ) {
			$this->ID           = (int) ( $data['ID'] ?? 0 );
			$this->display_name = (string) ( $data['display_name'] ?? '' );
			$this->caps         = $data['caps'] ?? array();
		}
	}
}
function wp_get_current_user() {
	return new WP_User( $GLOBALS['h']['user'] );
}
function is_user_logged_in() {
	return wp_get_current_user()->ID > 0;
}
function current_user_can( $capability, ...$args ) {
	return in_array( $capability, wp_get_current_user()->caps, true );
}
function user_can( $user_id, $capability ) {
	return false; // Only rendering outside a post happens here: there is no post author.
}
function get_role( $name ) {
	return null; // Roles live in the real-WordPress test.
}

// Posts: the harness renders outside any post, and no post uses a room (the real-WordPress test covers posts).
function get_post( $post = null ) {
	return null;
}
function get_posts( $args ) {
	return array();
}
function get_post_types() {
	return array( 'post' => 'post', 'page' => 'page', 'revision' => 'revision' );
}
function get_post_stati( $args ) {
	return ! empty( $args['public'] ) ? array( 'publish' ) : array( 'private' );
}
function get_post_meta( $id, $key, $single = false ) {
	return $single ? '' : array();
}
function post_password_required( $post ) {
	return false;
}
function register_activation_hook( $file, $callback ) {
	$GLOBALS['h']['activation'] = $callback;
}
class Harness_WPDB {
	public $posts = 'wp_posts';
	public function esc_like( $text ) {
		return addcslashes( $text, '_%\\' );
	}
	public function prepare( $query, ...$args ) {
		return $query;
	}
	public function get_col( $query ) {
		return array();
	}
}
$GLOBALS['wpdb'] = new Harness_WPDB();
function wp_create_nonce( $action ) {
	return substr( hash_hmac( 'sha256', $action . '|' . wp_get_current_user()->ID, 'nonce-salt' ), 0, 10 );
}

// URLs.
function home_url( $path = '' ) {
	return 'https://site.example/' . ltrim( $path, '/' );
}
function rest_url( $path = '' ) {
	// Plain permalinks: the REST route is a query argument, so anything appended must use add_query_arg.
	return home_url( '?rest_route=/' . ltrim( $path, '/' ) );
}
function add_query_arg( $key, $value, $url ) {
	return $url . ( false === strpos( $url, '?' ) ? '?' : '&' ) . rawurlencode( $key ) . '=' . rawurlencode( (string) $value );
}
function wp_login_url( $redirect = '' ) {
	return home_url( 'wp-login.php' ) . ( '' !== $redirect ? '?redirect_to=' . rawurlencode( $redirect ) : '' );
}
function get_permalink() {
	return home_url( 'call-page/' );
}

// Shortcodes: `[name attr="v" attr='v' attr=v]`, attribute names lowercased, as WordPress parses them.
function add_shortcode( $tag, $callback ) {
	$GLOBALS['h']['shortcodes'][ $tag ] = $callback;
}
function shortcode_parse_atts( $text ) {
	$atts = array();
	$text = preg_replace( "/[\x{00a0}\x{200b}]+/u", ' ', (string) $text );
	$re   = '/([\w-]+)\s*=\s*"([^"]*)"(?:\s|$)|([\w-]+)\s*=\s*\'([^\']*)\'(?:\s|$)|([\w-]+)\s*=\s*([^\s\'"]+)(?:\s|$)|"([^"]*)"(?:\s|$)|\'([^\']*)\'(?:\s|$)|(\S+)(?:\s|$)/';
	if ( preg_match_all( $re, $text, $matches, PREG_SET_ORDER ) ) {
		foreach ( $matches as $m ) {
			if ( ! empty( $m[1] ) ) {
				$atts[ strtolower( $m[1] ) ] = stripcslashes( $m[2] );
			} elseif ( ! empty( $m[3] ) ) {
				$atts[ strtolower( $m[3] ) ] = stripcslashes( $m[4] );
			} elseif ( ! empty( $m[5] ) ) {
				$atts[ strtolower( $m[5] ) ] = stripcslashes( $m[6] );
			} elseif ( isset( $m[7] ) && strlen( $m[7] ) ) {
				$atts[] = stripcslashes( $m[7] );
			} elseif ( isset( $m[8] ) && strlen( $m[8] ) ) {
				$atts[] = stripcslashes( $m[8] );
			} elseif ( isset( $m[9] ) ) {
				$atts[] = stripcslashes( $m[9] );
			}
		}
	}
	return $atts;
}
function shortcode_atts( $pairs, $atts, $shortcode = '' ) {
	$out = array();
	foreach ( $pairs as $name => $default ) {
		$out[ $name ] = array_key_exists( $name, (array) $atts ) ? $atts[ $name ] : $default;
	}
	return $shortcode ? apply_filters( "shortcode_atts_{$shortcode}", $out, $pairs, $atts, $shortcode ) : $out;
}
function do_shortcode( $content ) {
	return preg_replace_callback(
		'/\[([\w-]+)((?:[^\[\]"\']|"[^"]*"|\'[^\']*\')*)\]/',
		function ( $m ) {
			$callback = $GLOBALS['h']['shortcodes'][ $m[1] ] ?? null;
			if ( ! $callback ) {
				return $m[0];
			}
			$atts = trim( $m[2] ) === '' ? '' : shortcode_parse_atts( $m[2] );
			return call_user_func( $callback, $atts, null, $m[1] );
		},
		(string) $content
	);
}

// Blocks.
function register_block_type( $path, $args = array() ) {
	$metadata = json_decode( (string) file_get_contents( rtrim( $path, '/' ) . '/block.json' ), true );
	if ( ! is_array( $metadata ) || empty( $metadata['name'] ) ) {
		throw new RuntimeException( "register_block_type: no valid block.json in $path" );
	}
	$GLOBALS['h']['blocks'][ $metadata['name'] ] = array( 'metadata' => $metadata, 'args' => $args );
	return true;
}
function get_block_wrapper_attributes() {
	return 'class="wp-block-video-call-widget-call"';
}

// Scripts: classic scripts and (WordPress 6.5+) script modules, printed as WordPress prints them.
function wp_enqueue_script( $handle, $src = '', $deps = array(), $ver = false, $in_footer = false ) {
	$GLOBALS['h']['scripts'][ $handle ] = array( 'src' => $src, 'ver' => $ver, 'in_footer' => $in_footer );
}
if ( ! empty( $scenario['modules'] ) ) {
	function wp_enqueue_script_module( $id, $src = '', $deps = array(), $version = false ) {
		$GLOBALS['h']['modules'][ $id ] = array( 'src' => $src, 'version' => $version );
	}
}
function harness_print_footer() {
	$html = '';
	foreach ( $GLOBALS['h']['modules'] as $id => $module ) {
		$src   = $module['src'] . ( null === $module['version'] ? '' : '?ver=' . ( false === $module['version'] ? '6.5' : $module['version'] ) );
		$html .= '<script type="module" src="' . esc_url( $src ) . '" id="' . esc_attr( $id . '-js-module' ) . "\"></script>\n";
	}
	foreach ( $GLOBALS['h']['scripts'] as $handle => $script ) {
		$src   = $script['src'] . ( null === $script['ver'] ? '' : '?ver=' . ( false === $script['ver'] ? '6.1' : $script['ver'] ) );
		$tag   = "<script src='" . esc_url( $src ) . "' id='" . esc_attr( $handle ) . "-js'></script>\n";
		$html .= apply_filters( 'script_loader_tag', $tag, $handle, esc_url( $src ) );
	}
	return $html;
}

// Settings API.
function add_options_page( $page_title, $menu_title, $capability, $slug, $callback ) {
	$GLOBALS['h']['pages'][ $slug ] = compact( 'page_title', 'menu_title', 'capability', 'callback' );
	return 'settings_page_' . $slug;
}
function register_setting( $group, $name, $args = array() ) {
	$GLOBALS['h']['settings'][ $name ] = array( 'group' => $group ) + $args;
}
function add_settings_section( $id, $title, $callback, $page ) {
	$GLOBALS['h']['sections'][ $page ][ $id ] = compact( 'title', 'callback' );
}
function add_settings_field( $id, $title, $callback, $page, $section, $args = array() ) {
	$GLOBALS['h']['fields'][ $page ][ $section ][ $id ] = compact( 'title', 'callback', 'args' );
}
function add_settings_error( $setting, $code, $message ) {
	$GLOBALS['h']['errors'][] = compact( 'setting', 'code', 'message' );
}
function settings_fields( $group ) {
	echo '<input type="hidden" name="option_page" value="' . esc_attr( $group ) . '">';
}
function do_settings_sections( $page ) {
	foreach ( $GLOBALS['h']['sections'][ $page ] ?? array() as $id => $section ) {
		echo '<h2>' . esc_html( $section['title'] ) . '</h2>';
		call_user_func( $section['callback'], $section );
		echo '<table class="form-table">';
		foreach ( $GLOBALS['h']['fields'][ $page ][ $id ] ?? array() as $field ) {
			echo '<tr><th>' . esc_html( $field['title'] ) . '</th><td>';
			call_user_func( $field['callback'], $field['args'] );
			echo '</td></tr>';
		}
		echo '</table>';
	}
}
function submit_button() {
	echo '<input type="submit" name="submit" class="button button-primary" value="Save Changes">';
}
function get_admin_page_title() {
	return 'Video call widget';
}

// REST API.
function register_rest_route( $namespace, $route, $args ) {
	$GLOBALS['h']['rest'][ $namespace . $route ] = $args;
}
class WP_Error {
	public $code;
	public $message;
	public $data;
	public function __construct( $code, $message, $data = null ) {
		$this->code    = $code;
		$this->message = $message;
		$this->data    = $data;
	}
}
class WP_REST_Response {
	public $data;
	public $headers = array();
	public function __construct( $data ) {
		$this->data = $data;
	}
	public function header( $name, $value ) {
		$this->headers[ $name ] = $value;
	}
}
function rest_ensure_response( $data ) {
	return $data instanceof WP_REST_Response ? $data : new WP_REST_Response( $data );
}

// Run the plugin the way WordPress does: load it, fire its hooks, render what the scenario asks for.
require dirname( __DIR__ ) . '/video-call-widget/video-call-widget.php';
do_action( 'init' );
do_action( 'rest_api_init' );
do_action( 'admin_menu' );
do_action( 'admin_init' );

$out = array(
	'shortcodes' => array_keys( $GLOBALS['h']['shortcodes'] ),
	'blocks'     => array_map( function ( $b ) { return $b['metadata']; }, $GLOBALS['h']['blocks'] ),
	'routes'     => array_keys( $GLOBALS['h']['rest'] ),
	'pages'      => array_map( function ( $p ) { return $p['capability']; }, $GLOBALS['h']['pages'] ),
	'settings'   => array_keys( $GLOBALS['h']['settings'] ),
	'content'    => array(),
	'rendered'   => array(),
);
foreach ( $scenario['content'] ?? array() as $content ) {
	$out['content'][] = do_shortcode( $content );
}
foreach ( $scenario['blocks'] ?? array() as $attributes ) {
	$block           = $GLOBALS['h']['blocks']['video-call-widget/call'];
	$defaults        = array_map( function ( $a ) { return $a['default'] ?? null; }, $block['metadata']['attributes'] );
	$out['rendered'][] = call_user_func( $block['args']['render_callback'], array_merge( $defaults, $attributes ) );
}
$out['footer'] = harness_print_footer();
if ( isset( $scenario['settings'] ) ) {
	$out['sanitized'] = array();
	foreach ( $scenario['settings'] as $name => $value ) {
		$setting                    = $GLOBALS['h']['settings'][ $name ];
		$out['sanitized'][ $name ] = call_user_func( $setting['sanitize_callback'], $value );
	}
	$out['errors'] = $GLOBALS['h']['errors'];
	ob_start();
	call_user_func( $GLOBALS['h']['pages']['video-call-widget']['callback'] );
	$out['page'] = ob_get_clean();
}
if ( isset( $scenario['rest'] ) ) {
	$route  = $GLOBALS['h']['rest']['video-call-widget/v1/token'];
	$params = $scenario['rest'];
	if ( ! call_user_func( $route['permission_callback'] ) ) {
		$out['rest'] = array( 'status' => 401 );
	} elseif ( ! call_user_func( $route['args']['room']['validate_callback'], $params['room'] ?? '' )
		|| ( isset( $params['role'] ) && ! call_user_func( $route['args']['role']['validate_callback'], $params['role'] ) ) ) {
		$out['rest'] = array( 'status' => 400 );
	} else {
		$result      = call_user_func( $route['callback'], $params );
		$out['rest'] = $result instanceof WP_Error
			? array( 'status' => $result->data['status'] ?? 500, 'code' => $result->code )
			: array( 'status' => 200, 'body' => $result->data, 'headers' => $result->headers );
	}
}
echo json_encode( $out, JSON_UNESCAPED_SLASHES | JSON_UNESCAPED_UNICODE );
