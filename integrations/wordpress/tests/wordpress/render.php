<?php
/**
 * Renders with real WordPress what a scenario (JSON on stdin) asks for, as the logged-in user it names:
 *   options  { name: value|null }   set (null deletes) before rendering
 *   user     'admin' | 'editor' | 'subscriber' | null     display_name  a new display name for that user
 *   content  [string]   post content through the_content (shortcodes, blocks, wpautop)
 *   rest     { room }   GET /video-call-widget/v1/token through the REST server
 *   settings { name: value }  update_option through the registered settings' sanitizing
 * Prints JSON: { content: [html], footer: html, rest?, saved?, errors? }.
 *
 * @package VideoCallWidget
 */

$scenario = json_decode( (string) file_get_contents( 'php://stdin' ), true );
require __DIR__ . '/boot.php';

foreach ( $scenario['options'] ?? array() as $name => $value ) {
	null === $value ? delete_option( $name ) : update_option( $name, $value );
}
$user = $scenario['user'] ?? null;
wp_set_current_user( null === $user ? 0 : get_user_by( 'login', $user )->ID );
if ( isset( $scenario['display_name'] ) ) {
	wp_update_user( array( 'ID' => get_current_user_id(), 'display_name' => $scenario['display_name'] ) );
	$vcw_id                 = get_current_user_id();
	$GLOBALS['current_user'] = null; // reload the user object from the database
	wp_set_current_user( $vcw_id );
}

$out = array(
	'content'      => array(),
	'display_name' => wp_get_current_user()->display_name,
);
foreach ( $scenario['content'] ?? array() as $content ) {
	$out['content'][] = apply_filters( 'the_content', $content );
}
ob_start();
wp_print_footer_scripts();
if ( function_exists( 'wp_script_modules' ) ) {
	wp_script_modules()->print_enqueued_script_modules();
}
$out['footer'] = ob_get_clean();

if ( isset( $scenario['rest'] ) ) {
	$request = new WP_REST_Request( 'GET', '/video-call-widget/v1/token' );
	$request->set_query_params( $scenario['rest'] );
	$response    = rest_do_request( $request );
	$out['rest'] = array( 'status' => $response->get_status(), 'body' => $response->get_data(), 'headers' => $response->get_headers() );
}
if ( isset( $scenario['settings'] ) ) {
	require_once ABSPATH . 'wp-admin/includes/admin.php';
	do_action( 'admin_init' );
	foreach ( $scenario['settings'] as $name => $value ) {
		update_option( $name, $value );
	}
	$out['saved']  = array_map( 'get_option', array_combine( array_keys( $scenario['settings'] ), array_keys( $scenario['settings'] ) ) );
	$out['errors'] = array_column( get_settings_errors(), 'code' );
	ob_start();
	video_call_widget_settings_page();
	$out['page'] = ob_get_clean();
}
echo wp_json_encode( $out, JSON_UNESCAPED_SLASHES | JSON_UNESCAPED_UNICODE );
